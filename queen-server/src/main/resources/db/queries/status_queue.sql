-- One queue ($1) for the status view: its settings, and a row per partition with the live
-- counts, the queue-mode cursor's totals and the last activity. No row when the queue does not
-- exist, one row with NULL partition columns when it has no partitions.
WITH counts AS (/*partition_counts*/)
SELECT q.id, q.name, q.namespace, q.task, q.priority, q.created_at, q.lease_time, q.retry_limit,
       q.retry_delay, q.ttl, q.max_queue_size, q.dead_letter_queue,
       pt.id AS partition_id, pt.name AS partition_name, pt.created_at AS partition_created_at,
       c.total, c.pending, c.processing, c.completed, c.dead_letter, c.oldest, c.newest,
       coalesce(qm.total_messages_consumed, 0) AS total_consumed,
       coalesce(qm.total_batches_consumed, 0) AS batches_consumed,
       greatest(pt.last_activity, qm.last_consumed_at, pl.updated_at) AS last_activity
  FROM queen.queues q
  LEFT JOIN queen.partitions pt ON pt.queue_id = q.id
  LEFT JOIN counts c ON c.partition_id = pt.id
  LEFT JOIN queen.partition_consumers qm
         ON qm.partition_id = pt.id AND qm.consumer_group = '__QUEUE_MODE__'
  LEFT JOIN queen.partition_lookup pl ON pl.partition_id = pt.id
 WHERE q.name = $1
 ORDER BY pt.created_at, pt.name
