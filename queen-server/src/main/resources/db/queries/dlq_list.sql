-- Dead-letter entries, newest failure first, one page of them plus the number matching the
-- filters: $1 queue, $2 consumer group, $3 partition, $4..$5 failed_at range (inclusive),
-- $6 limit, $7 offset. An empty page still returns one row (total, NULL entry columns).
WITH matching AS (
    SELECT d.id, d.message_id, d.partition_id, d.consumer_group, d.error_message, d.retry_count,
           d.failed_at, q.name AS queue, pt.name AS partition
      FROM queen.dead_letter_queue d
      JOIN queen.partitions pt ON pt.id = d.partition_id
      JOIN queen.queues q ON q.id = pt.queue_id
     WHERE ($1::text IS NULL OR q.name = $1::text)
       AND ($2::text IS NULL OR d.consumer_group = $2::text)
       AND ($3::text IS NULL OR pt.name = $3::text)
       AND ($4::timestamptz IS NULL OR d.failed_at >= $4::timestamptz)
       AND ($5::timestamptz IS NULL OR d.failed_at <= $5::timestamptz)
)
SELECT t.total, page.*
  FROM (SELECT count(*) AS total FROM matching) t
  LEFT JOIN LATERAL (
      SELECT e.message_id, m.transaction_id, e.partition_id, e.queue, e.partition, e.consumer_group,
             e.error_message, e.retry_count, m.payload::text AS data, m.producer_sub, m.created_at, e.failed_at
        FROM matching e
        JOIN queen.messages m ON m.id = e.message_id
       ORDER BY e.failed_at DESC, e.id DESC
       LIMIT $6 OFFSET $7
  ) page ON true
