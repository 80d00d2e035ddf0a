-- Stats fast path, step 1: lists the partitions consumers touched since the previous cycle
-- ($1: look-back for transactions still open then). See queen.stats_mark_activity_v1.
SELECT queen.stats_mark_activity_v1($1::interval) AS marked
