-- Queues, partitions and live message counts per namespace (queues without one are left out).
WITH counts AS (/*partition_counts*/)
SELECT q.namespace AS name, count(DISTINCT q.id) AS queues, count(c.partition_id) AS partitions,
       coalesce(sum(c.total), 0)::bigint AS total, coalesce(sum(c.pending), 0)::bigint AS pending
  FROM queen.queues q
  LEFT JOIN counts c ON c.queue_id = q.id
 WHERE q.namespace <> ''
 GROUP BY q.namespace
 ORDER BY q.namespace
