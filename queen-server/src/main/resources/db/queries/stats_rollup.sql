-- Queue, namespace, task and system stats rows from the queue sums: rows written and removed
-- per level. $1: recompute every median lag, however many partitions it covers (the end of a
-- reconcile walk). See queen.stats_rollup_v2.
SELECT level, written, removed FROM queen.stats_rollup_v2($1)
