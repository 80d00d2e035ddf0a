-- Each matching worker over minutes $1..$2; $3 hostname, $4 worker id (null: all).
-- Connections are the latest minute's.
SELECT w.hostname, w.worker_id, w.pid,
       max(w.bucket_time) AS last_seen,
       sum(w.push_message_count) AS push_messages,
       sum(w.pop_message_count) AS pop_messages,
       sum(w.ack_message_count) AS ack_messages,
       sum(w.push_request_count) AS push_requests,
       sum(w.pop_request_count) AS pop_requests,
       sum(w.ack_request_count) AS ack_requests,
       sum(w.transaction_count) AS transactions,
       sum(w.jobs_done) AS jobs_done,
       coalesce(sum(w.avg_event_loop_lag_ms * w.sample_count) / nullif(sum(w.sample_count), 0), 0) AS avg_event_loop_lag_ms,
       max(w.max_event_loop_lag_ms) AS max_event_loop_lag_ms,
       coalesce(sum(w.avg_free_slots * w.sample_count) / nullif(sum(w.sample_count), 0), 0) AS avg_free_slots,
       coalesce(min(w.min_free_slots) FILTER (WHERE w.sample_count > 0), 0) AS min_free_slots,
       (array_agg(w.db_connections ORDER BY w.bucket_time DESC))[1] AS db_connections,
       coalesce(sum(w.avg_job_queue_size * w.sample_count) / nullif(sum(w.sample_count), 0), 0) AS avg_job_queue_size,
       max(w.max_job_queue_size) AS max_job_queue_size,
       coalesce(sum(w.avg_lag_ms * w.lag_count) / nullif(sum(w.lag_count), 0), 0) AS avg_lag_ms,
       max(w.max_lag_ms) AS max_lag_ms,
       sum(w.db_error_count) AS db_errors,
       sum(w.ack_success_count) AS ack_success,
       sum(w.ack_failed_count) AS ack_failed,
       sum(w.dlq_count) AS dlq
  FROM queen.worker_metrics w
 WHERE w.bucket_time >= date_trunc('minute', $1::timestamptz) AND w.bucket_time <= $2
   AND ($3::text IS NULL OR w.hostname = $3)
   AND ($4::integer IS NULL OR w.worker_id = $4)
 GROUP BY w.hostname, w.worker_id, w.pid
 ORDER BY w.hostname, w.worker_id, w.pid
