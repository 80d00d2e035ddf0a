-- The /status queue list: queues matching the optional filters $1 queue, $2 namespace,
-- $3 task (NULL: any), with partition counts and the messages their consumers took in total.
SELECT q.id, q.name, q.namespace, q.task,
       (SELECT count(*) FROM queen.partitions pt WHERE pt.queue_id = q.id) AS partitions,
       (SELECT coalesce(sum(pc.total_messages_consumed), 0)
          FROM queen.partitions pt JOIN queen.partition_consumers pc ON pc.partition_id = pt.id
         WHERE pt.queue_id = q.id)::bigint AS total_consumed
  FROM queen.queues q
 WHERE ($1::text IS NULL OR q.name = $1::text)
   AND ($2::text IS NULL OR q.namespace = $2::text)
   AND ($3::text IS NULL OR q.task = $3::text)
 ORDER BY q.name
