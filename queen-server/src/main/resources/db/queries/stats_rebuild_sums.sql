-- The queue sums behind the roll-ups recomputed from every partition row (end of a reconcile
-- walk). See queen.stats_rebuild_sums_v1.
SELECT queen.stats_rebuild_sums_v1()
