-- Every worker that wrote metrics between $1 and $2: the figures of its latest minute, and
-- the messages it acknowledged over the whole window.
SELECT DISTINCT ON (wm.hostname, wm.worker_id, wm.pid)
       wm.hostname, wm.worker_id, wm.pid, wm.bucket_time,
       wm.avg_event_loop_lag_ms, wm.max_event_loop_lag_ms, wm.avg_free_slots, wm.min_free_slots,
       wm.db_connections, wm.avg_job_queue_size,
       sum(wm.ack_message_count) OVER (PARTITION BY wm.hostname, wm.worker_id, wm.pid)::bigint AS processed
  FROM queen.worker_metrics wm
 WHERE wm.bucket_time >= date_trunc('minute', $1::timestamptz) AND wm.bucket_time <= $2::timestamptz
 ORDER BY wm.hostname, wm.worker_id, wm.pid, wm.bucket_time DESC
