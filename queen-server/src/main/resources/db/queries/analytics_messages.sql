-- /status/analytics: messages created per $4 bucket ('minute', 'hour' or 'day', UTC) from $5
-- (inclusive) to $6 (exclusive), over the queues in scope ($1 queue, $2 namespace, $3 task);
-- every bucket of the window, empty ones as 0.
-- Exact counts from the messages themselves: each partition in scope costs one range scan of
-- the (partition_id, created_at, id) index restricted to the window, so the cost follows the
-- number of messages in the window, never the size of the table. (stats_history could only
-- give differences of totals, which retention and deletes make wrong.)
WITH scoped AS (/*scoped_queues*/),
scope AS (
    SELECT pt.id FROM queen.partitions pt JOIN scoped q ON q.id = pt.queue_id
),
counted AS (
    SELECT date_trunc($4, m.created_at, 'UTC') AS b, count(*) AS n
      FROM scope
      JOIN LATERAL (SELECT x.created_at FROM queen.messages x
                     WHERE x.partition_id = scope.id
                       AND x.created_at >= $5::timestamptz AND x.created_at < $6::timestamptz) m ON true
     GROUP BY 1
)
SELECT k.b AS bucket, coalesce(c.n, 0) AS messages
  FROM generate_series(date_trunc($4, $5::timestamptz, 'UTC'), $6::timestamptz - interval '1 microsecond',
                       ('1 ' || $4)::interval) k(b)
  LEFT JOIN counted c ON c.b = k.b
 ORDER BY k.b
