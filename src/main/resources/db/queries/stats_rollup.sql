-- Queue, namespace, task and system stats rows from the partition rows: rows written and
-- removed per level.
SELECT level, written, removed FROM queen.stats_rollup_v1()
