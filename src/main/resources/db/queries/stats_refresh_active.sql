-- Stats fast path: one chunk of up to $1 partitions with activity since their last compute;
-- $2 is the look-back (interval) for transactions still open at the previous snapshot.
SELECT last_partition, partitions, written, removed FROM queen.stats_refresh_active_v1($1, $2::interval)
