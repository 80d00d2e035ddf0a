-- Records a trace event for message ($1 partition id, $2 transaction id) with its names;
-- no row when the message does not exist. $3 group, $4 event type, $5 data (JSON text),
-- $6 worker id, $7 trace names. The data arrives as JSON text (a jsonb parameter would
-- take a Java string as a JSON string).
WITH target AS (
    SELECT id, partition_id FROM queen.messages WHERE partition_id = $1 AND transaction_id = $2
), recorded AS (
    INSERT INTO queen.message_traces (message_id, partition_id, transaction_id, consumer_group, event_type,
                                      data, worker_id)
    SELECT t.id, t.partition_id, $2, $3, $4, $5::text::jsonb, $6 FROM target t
    RETURNING id
), named AS (
    INSERT INTO queen.message_trace_names (trace_id, trace_name)
    SELECT r.id, n.name
      FROM recorded r, (SELECT DISTINCT u AS name FROM unnest($7::text[]) u WHERE u <> '') n
)
SELECT id FROM recorded
