-- One chunk of the stats reconcile: the next $3 partitions in id order after $1 (NULL: the
-- first ones) up to $2 refreshed in full. See queen.stats_refresh_walk_v1.
SELECT last_partition, partitions, written, removed FROM queen.stats_refresh_walk_v1($1, $2, $3)
