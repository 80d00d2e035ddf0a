-- Message listing (spec 3.9), newest first, without payloads. $1 queue, $2 partition,
-- $3 namespace, $4 task, $5 status (NULL = any), $6..$7 the created_at window [from, to),
-- $8 limit, $9 offset. The window bounds the scan; the status is derived per message, so
-- without a status filter only the page's messages get one (a sort of the window's ids, not a
-- status lookup for each message in it).
WITH candidates AS (
    SELECT m.id, m.transaction_id, m.partition_id, m.created_at, m.trace_id, m.producer_sub,
           q.name AS queue, pt.name AS partition, q.namespace, q.task, q.priority
      FROM queen.messages m
      JOIN queen.partitions pt ON pt.id = m.partition_id
      JOIN queen.queues q ON q.id = pt.queue_id
     WHERE ($1::text IS NULL OR q.name = $1::text)
       AND ($2::text IS NULL OR pt.name = $2::text)
       AND ($3::text IS NULL OR q.namespace = $3::text)
       AND ($4::text IS NULL OR q.task = $4::text)
       AND m.created_at >= $6 AND m.created_at < $7
     ORDER BY m.created_at DESC, m.id DESC
     LIMIT CASE WHEN $5::text IS NULL THEN $8::bigint + $9 END
), statused AS (/*message_status*/)
SELECT *
  FROM statused
 WHERE $5::text IS NULL OR status = $5::text
 ORDER BY created_at DESC, id DESC
 LIMIT $8 OFFSET $9
