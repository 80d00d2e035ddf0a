-- Stats fast path, step 3: the rows of the partitions $1 recomputed and their queues' sums
-- moved along ($2: look-back, see queen.stats_refresh_partitions_v1).
SELECT written, removed FROM queen.stats_refresh_counted_v1($1::uuid[], $2::interval)
