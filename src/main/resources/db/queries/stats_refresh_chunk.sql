-- One chunk of the stats job: up to $2 partitions refreshed; the next ones in id order after
-- $1 (NULL: the first ones) when $3 is NULL (reconcile), else the active ones with look-back
-- $3 (fast path). See queen.stats_refresh_chunk_v1.
SELECT last_partition, partitions, written, removed FROM queen.stats_refresh_chunk_v1($1, $2, $3::interval)
