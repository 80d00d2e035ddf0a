-- /analytics/retention: retention_history per bucket of $3 minutes from $1 to $2 (oldest
-- first, empty buckets included), over the queue $4 (NULL: all). Rows of partitions deleted
-- since are gone with them (the table cascades).
WITH buckets AS (/*time_buckets*/),
events AS (
    SELECT date_bin(make_interval(mins => $3), rh.executed_at, 'epoch') AS b,
           coalesce(sum(rh.messages_deleted) FILTER (WHERE rh.retention_type = 'retention'), 0) AS retention,
           coalesce(sum(rh.messages_deleted) FILTER (WHERE rh.retention_type = 'completed_retention'), 0)
               AS completed,
           coalesce(sum(rh.messages_deleted) FILTER (WHERE rh.retention_type = 'max_wait_time_eviction'), 0)
               AS eviction,
           sum(rh.messages_deleted) AS total, count(*) AS events
      FROM queen.retention_history rh
      LEFT JOIN queen.partitions pt ON pt.id = rh.partition_id
      LEFT JOIN queen.queues q ON q.id = pt.queue_id
     WHERE rh.executed_at >= (SELECT min(b) FROM buckets) AND rh.executed_at <= $2::timestamptz
       AND ($4::text IS NULL OR q.name = $4::text)
     GROUP BY 1
)
SELECT k.b AS bucket, coalesce(e.retention, 0)::bigint AS retention, coalesce(e.completed, 0)::bigint AS completed,
       coalesce(e.eviction, 0)::bigint AS eviction, coalesce(e.total, 0)::bigint AS total,
       coalesce(e.events, 0)::bigint AS events
  FROM buckets k LEFT JOIN events e ON e.b = k.b
 ORDER BY k.b
