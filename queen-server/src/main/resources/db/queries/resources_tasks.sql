-- Queues, partitions and live message counts per task (queues without one are left out).
WITH counts AS (/*partition_counts*/)
SELECT q.task AS name, count(DISTINCT q.id) AS queues, count(c.partition_id) AS partitions,
       coalesce(sum(c.total), 0)::bigint AS total, coalesce(sum(c.pending), 0)::bigint AS pending
  FROM queen.queues q
  LEFT JOIN counts c ON c.queue_id = q.id
 WHERE q.task <> ''
 GROUP BY q.task
 ORDER BY q.task
