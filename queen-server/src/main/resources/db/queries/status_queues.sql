-- The /status queue list: the queues in scope ($1 queue, $2 namespace, $3 task), with their
-- partition counts and the messages their consumers took in total.
WITH scoped AS (/*scoped_queues*/)
SELECT q.id, q.name, q.namespace, q.task,
       (SELECT count(*) FROM queen.partitions pt WHERE pt.queue_id = q.id) AS partitions,
       (SELECT coalesce(sum(pc.total_messages_consumed), 0)
          FROM queen.partitions pt JOIN queen.partition_consumers pc ON pc.partition_id = pt.id
         WHERE pt.queue_id = q.id)::bigint AS total_consumed
  FROM scoped q
 ORDER BY q.name
