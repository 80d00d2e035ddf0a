-- Trace events carrying name $1, oldest first (a named trace reads as a timeline), one page
-- ($2 limit, $3 offset) plus the number of events with that name. An empty page still
-- returns one row (total, NULL event columns).
WITH named AS (
    SELECT n.trace_id FROM queen.message_trace_names n WHERE n.trace_name = $1
)
SELECT c.total, page.*
  FROM (SELECT count(*) AS total FROM named) c
  LEFT JOIN LATERAL (
      SELECT t.id, t.transaction_id, t.partition_id, t.event_type, t.data::text AS data, t.consumer_group,
             t.worker_id, t.created_at, q.name AS queue_name, pt.name AS partition_name,
             m.payload::text AS message_payload,
             coalesce((SELECT array_agg(n.trace_name ORDER BY n.trace_name)
                         FROM queen.message_trace_names n WHERE n.trace_id = t.id), '{}') AS trace_names
        FROM named x
        JOIN queen.message_traces t ON t.id = x.trace_id
        LEFT JOIN queen.messages m ON m.id = t.message_id
        LEFT JOIN queen.partitions pt ON pt.id = t.partition_id
        LEFT JOIN queen.queues q ON q.id = pt.queue_id
       ORDER BY t.created_at, t.id
       LIMIT $2 OFFSET $3
  ) page ON true
