-- Trace events of one message ($1 partition id, $2 transaction id), oldest first.
SELECT t.id, t.event_type, t.data::text AS data, t.consumer_group, t.worker_id, t.created_at,
       coalesce((SELECT array_agg(n.trace_name ORDER BY n.trace_name)
                   FROM queen.message_trace_names n WHERE n.trace_id = t.id), '{}') AS trace_names
  FROM queen.message_traces t
 WHERE t.transaction_id = $2 AND t.partition_id = $1
 ORDER BY t.created_at, t.id
