-- The most frequent dead-letter errors over the partitions matching $1 queue, $2 namespace,
-- $3 task (NULL: any).
SELECT coalesce(dl.error_message, '') AS error, count(*) AS count, max(dl.failed_at) AS last_seen
  FROM queen.dead_letter_queue dl
  JOIN queen.partitions pt ON pt.id = dl.partition_id
  JOIN queen.queues q ON q.id = pt.queue_id
 WHERE ($1::text IS NULL OR q.name = $1::text)
   AND ($2::text IS NULL OR q.namespace = $2::text)
   AND ($3::text IS NULL OR q.task = $3::text)
 GROUP BY 1
 ORDER BY count(*) DESC, 1
 LIMIT 5
