-- /status/analytics: messages created per $1 bucket ('minute', 'hour' or 'day', UTC) from $2
-- (inclusive) to $3 (exclusive), over the queues matching $4 queue, $5 namespace, $6 task
-- (NULL: any); every bucket of the window, empty ones as 0.
-- Exact counts from the messages themselves: each partition in scope costs one range scan of
-- the (partition_id, created_at, id) index restricted to the window, so the cost follows the
-- number of messages in the window, never the size of the table. (stats_history could only
-- give differences of totals, which retention and deletes make wrong.)
WITH scope AS (
    SELECT pt.id
      FROM queen.partitions pt JOIN queen.queues q ON q.id = pt.queue_id
     WHERE ($4::text IS NULL OR q.name = $4::text)
       AND ($5::text IS NULL OR q.namespace = $5::text)
       AND ($6::text IS NULL OR q.task = $6::text)
),
counted AS (
    SELECT date_trunc($1, m.created_at, 'UTC') AS b, count(*) AS n
      FROM scope
      JOIN LATERAL (SELECT x.created_at FROM queen.messages x
                     WHERE x.partition_id = scope.id
                       AND x.created_at >= $2::timestamptz AND x.created_at < $3::timestamptz) m ON true
     GROUP BY 1
)
SELECT k.b AS bucket, coalesce(c.n, 0) AS messages
  FROM generate_series(date_trunc($1, $2::timestamptz, 'UTC'), $3::timestamptz - interval '1 microsecond',
                       ('1 ' || $1)::interval) k(b)
  LEFT JOIN counted c ON c.b = k.b
 ORDER BY k.b
