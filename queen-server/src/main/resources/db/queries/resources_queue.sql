-- One queue ($1) with a row per partition and its live counts; no row when the queue does
-- not exist, one row with NULL partition columns when it has no partitions.
WITH counts AS (/*partition_counts*/)
SELECT q.id, q.name, q.namespace, q.task, q.created_at,
       pt.id AS partition_id, pt.name AS partition_name, pt.created_at AS partition_created_at,
       c.total, c.pending, c.processing, c.completed, c.dead_letter, c.oldest, c.newest
  FROM queen.queues q
  LEFT JOIN queen.partitions pt ON pt.queue_id = q.id
  LEFT JOIN counts c ON c.partition_id = pt.id
 WHERE q.name = $1
 ORDER BY pt.created_at, pt.name
