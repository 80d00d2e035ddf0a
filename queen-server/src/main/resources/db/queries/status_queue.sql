-- One queue ($1) for the status view: its settings, its live totals over all its partitions,
-- and one row per partition of the requested page with the live counts, the queue-mode
-- cursor's totals and the last activity. $2 search (part of the partition name, any case;
-- NULL: all), $3 limit, $4 offset, in partition creation order. No row when the queue does
-- not exist; one row with NULL partition columns when the page is empty. The totals and the
-- number of matching partitions repeat on every row.
WITH counts AS (/*partition_counts*/),
queue AS (
    SELECT q.id, q.name, q.namespace, q.task, q.priority, q.created_at, q.lease_time, q.retry_limit,
           q.retry_delay, q.ttl, q.max_queue_size, q.dead_letter_queue,
           coalesce(sum(c.total), 0)::bigint AS sum_total,
           coalesce(sum(c.pending), 0)::bigint AS sum_pending,
           coalesce(sum(c.processing), 0)::bigint AS sum_processing,
           coalesce(sum(c.completed), 0)::bigint AS sum_completed,
           coalesce(sum(c.dead_letter), 0)::bigint AS sum_dead_letter,
           (SELECT count(*) FROM queen.partitions pt
             WHERE pt.queue_id = q.id
               AND ($2::text IS NULL OR strpos(lower(pt.name), lower($2::text)) > 0)) AS partitions_matching
      FROM queen.queues q
      LEFT JOIN counts c ON c.queue_id = q.id
     WHERE q.name = $1
     GROUP BY q.id
), page AS (
    SELECT pt.id AS partition_id, pt.name AS partition_name, pt.created_at AS partition_created_at,
           pt.last_activity
      FROM queue
      JOIN queen.partitions pt ON pt.queue_id = queue.id
     WHERE $2::text IS NULL OR strpos(lower(pt.name), lower($2::text)) > 0
     ORDER BY pt.created_at, pt.name
     LIMIT $3 OFFSET $4
)
SELECT queue.*, page.partition_id, page.partition_name, page.partition_created_at,
       c.total, c.pending, c.processing, c.completed, c.dead_letter, c.oldest, c.newest,
       coalesce(qm.total_messages_consumed, 0) AS total_consumed,
       coalesce(qm.total_batches_consumed, 0) AS batches_consumed,
       greatest(page.last_activity, qm.last_consumed_at, pl.updated_at) AS last_activity
  FROM queue
  LEFT JOIN page ON true
  LEFT JOIN counts c ON c.partition_id = page.partition_id
  LEFT JOIN queen.partition_consumers qm
         ON qm.partition_id = page.partition_id AND qm.consumer_group = '__QUEUE_MODE__'
  LEFT JOIN queen.partition_lookup pl ON pl.partition_id = page.partition_id
 ORDER BY page.partition_created_at, page.partition_name
