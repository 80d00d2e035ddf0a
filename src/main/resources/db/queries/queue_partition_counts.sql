-- This minute's partition figures per queue in queue_lag_metrics (observability only): how many
-- partitions the queue has, how many of them were created this minute, and how many went since
-- the queue's previous figure (the previous count plus the created ones, less what is left).
-- Only for queues that already have a row this minute (they had traffic) or new partitions, so
-- idle queues add no rows.
WITH bucket AS (
    SELECT date_trunc('minute', now()) AS b
), per_queue AS (
    SELECT q.name,
           count(pt.id) AS partitions,
           count(pt.id) FILTER (WHERE pt.created_at >= (SELECT b FROM bucket)) AS created
      FROM queen.queues q
      LEFT JOIN queen.partitions pt ON pt.queue_id = q.id
     GROUP BY q.name
)
INSERT INTO queen.queue_lag_metrics AS m
       (bucket_time, queue_name, partition_count, partitions_created, partitions_deleted)
SELECT (SELECT b FROM bucket), pq.name, pq.partitions, pq.created,
       greatest(0, coalesce(prev.partition_count, pq.partitions - pq.created) + pq.created - pq.partitions)
  FROM per_queue pq
  LEFT JOIN LATERAL (
        SELECT l.partition_count FROM queen.queue_lag_metrics l
         WHERE l.queue_name = pq.name AND l.partition_count > 0
           AND l.bucket_time < (SELECT b FROM bucket) AND l.bucket_time >= (SELECT b FROM bucket) - interval '1 day'
         ORDER BY l.bucket_time DESC LIMIT 1) prev ON true
 WHERE pq.created > 0
    OR EXISTS (SELECT 1 FROM queen.queue_lag_metrics x
                WHERE x.bucket_time = (SELECT b FROM bucket) AND x.queue_name = pq.name)
ON CONFLICT (bucket_time, queue_name) DO UPDATE
   SET partition_count = EXCLUDED.partition_count,
       partitions_created = EXCLUDED.partitions_created,
       partitions_deleted = EXCLUDED.partitions_deleted
