-- Stats reconcile: the next $2 partitions in id order after $1 (NULL: the first ones).
SELECT last_partition, partitions, written, removed FROM queen.stats_refresh_chunk_v1($1, $2)
