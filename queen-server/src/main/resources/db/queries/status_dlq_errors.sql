-- The most frequent dead-letter errors over the queues in scope ($1 queue, $2 namespace, $3 task).
WITH scoped AS (/*scoped_queues*/)
SELECT coalesce(dl.error_message, '') AS error, count(*) AS count, max(dl.failed_at) AS last_seen
  FROM queen.dead_letter_queue dl
  JOIN queen.partitions pt ON pt.id = dl.partition_id
  JOIN scoped q ON q.id = pt.queue_id
 GROUP BY 1
 ORDER BY count(*) DESC, 1
 LIMIT 5
