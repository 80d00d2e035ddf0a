-- This minute's partition figures per queue in queue_lag_metrics (observability only): how many
-- partitions the queue has (as far as the statistics have seen them, queen.stats_queue_sums)
-- and how many were created this minute (through the creation-time index). The partitions the
-- cleanup deleted it counts itself (delete_inactive_partitions_v2). Only for queues that already
-- have a row this minute (they had traffic) or new partitions, so idle queues add no rows, and
-- nothing here reads a queue's partitions one by one.
WITH bucket AS (
    SELECT date_trunc('minute', now()) AS b
), created AS (
    SELECT pt.queue_id, count(*) AS n
      FROM queen.partitions pt
     WHERE pt.created_at >= (SELECT b FROM bucket)
     GROUP BY pt.queue_id
), active AS (
    SELECT q.id, q.name FROM queen.queues q WHERE q.id IN (SELECT c.queue_id FROM created c)
    UNION
    SELECT q.id, q.name
      FROM queen.queue_lag_metrics x JOIN queen.queues q ON q.name = x.queue_name
     WHERE x.bucket_time = (SELECT b FROM bucket)
)
INSERT INTO queen.queue_lag_metrics AS m (bucket_time, queue_name, partition_count, partitions_created)
SELECT (SELECT b FROM bucket), a.name, coalesce(s.partitions, 0), coalesce(c.n, 0)
  FROM active a
  LEFT JOIN queen.stats_queue_sums s ON s.queue_id = a.id
  LEFT JOIN created c ON c.queue_id = a.id
 ORDER BY a.name
ON CONFLICT (bucket_time, queue_name) DO UPDATE
   SET partition_count = EXCLUDED.partition_count,
       partitions_created = EXCLUDED.partitions_created
