-- One message ($1 partition id, $2 transaction id) with its payload, status, latest DLQ entry,
-- queue settings and the named consumer groups of its partition.
WITH candidates AS (
    SELECT m.id, m.transaction_id, m.partition_id, m.created_at, m.trace_id, m.producer_sub,
           q.name AS queue, pt.name AS partition, q.namespace, q.task, q.priority
      FROM queen.messages m
      JOIN queen.partitions pt ON pt.id = m.partition_id
      JOIN queen.queues q ON q.id = pt.queue_id
     WHERE m.partition_id = $1 AND m.transaction_id = $2
), statused AS (/*message_status*/)
SELECT s.*, m.payload::text AS payload, m.is_encrypted,
       q.lease_time, q.retry_limit, q.retry_delay, q.ttl,
       dl.error_message, dl.retry_count,
       groups.names AS group_names, groups.consumed AS group_consumed, groups.leases AS group_leases
  FROM statused s
  JOIN queen.messages m ON m.id = s.id
  JOIN queen.queues q ON q.name = s.queue
  LEFT JOIN LATERAL (
      SELECT d.error_message, d.retry_count
        FROM queen.dead_letter_queue d
       WHERE d.message_id = s.id
       ORDER BY d.failed_at DESC
       LIMIT 1
  ) dl ON true
  CROSS JOIN LATERAL (
      SELECT array_agg(pc.consumer_group ORDER BY pc.consumer_group) AS names,
             array_agg(pc.last_consumed_created_at IS NOT NULL
                       AND (pc.last_consumed_created_at, pc.last_consumed_id) >= (s.created_at, s.id)
                       ORDER BY pc.consumer_group) AS consumed,
             array_agg(CASE WHEN pc.lease_expires_at > now() THEN pc.lease_expires_at END
                       ORDER BY pc.consumer_group) AS leases
        FROM queen.partition_consumers pc
       WHERE pc.partition_id = s.partition_id AND pc.consumer_group <> '__QUEUE_MODE__'
  ) groups
