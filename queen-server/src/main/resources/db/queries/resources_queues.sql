-- Every queue with its partition count and live message counts, newest queue first.
WITH counts AS (/*partition_counts*/)
SELECT q.id, q.name, q.namespace, q.task, q.created_at,
       count(c.partition_id) AS partitions,
       coalesce(sum(c.total), 0)::bigint AS total,
       coalesce(sum(c.pending), 0)::bigint AS pending,
       coalesce(sum(c.processing), 0)::bigint AS processing
  FROM queen.queues q
  LEFT JOIN counts c ON c.queue_id = q.id
 GROUP BY q.id
 ORDER BY q.created_at DESC, q.name
