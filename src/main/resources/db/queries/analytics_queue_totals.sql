-- Per queue over minutes $1..$2 ($3 queue, null: all).
SELECT l.queue_name,
       sum(l.push_request_count) AS push_requests,
       sum(l.push_message_count) AS push_messages,
       sum(l.pop_count) AS pop_messages,
       sum(l.pop_empty_count) AS pop_empty,
       sum(l.ack_request_count) AS ack_requests,
       sum(l.ack_success_count) AS ack_success,
       sum(l.ack_failed_count) AS ack_failed,
       sum(l.transaction_count) AS transactions,
       coalesce(sum(l.avg_lag_ms * l.pop_count) / nullif(sum(l.pop_count), 0), 0) AS avg_lag_ms,
       max(l.max_lag_ms) AS max_lag_ms,
       max(l.parked_count) AS max_parked,
       max(l.bucket_time) AS last_seen
  FROM queen.queue_lag_metrics l
 WHERE l.bucket_time >= date_trunc('minute', $1::timestamptz) AND l.bucket_time <= $2
   AND ($3::text IS NULL OR l.queue_name = $3)
 GROUP BY l.queue_name
 ORDER BY l.queue_name
