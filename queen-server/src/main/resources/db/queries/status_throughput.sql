-- The /status throughput series: one row per bucket of $3 minutes from $1 to $2, newest first,
-- empty buckets included. Message and request figures are summed over the workers' per-minute
-- worker_metrics rows; process figures come from system_metrics (averaged per replica over the
-- bucket, then summed over replicas). system_metrics sections hold avg/min/max/last per
-- sample: cpu.*_us is CPU time in microseconds per second of sampling (1 000 000 = one core),
-- memory.rss_bytes and database.pool_* are levels.
WITH buckets AS (/*time_buckets*/),
work AS (
    SELECT date_bin(make_interval(mins => $3), wm.bucket_time, 'epoch') AS b,
           sum(wm.push_message_count) AS ingested, sum(wm.ack_message_count) AS processed,
           sum(wm.pop_message_count) AS pops,
           sum(wm.avg_lag_ms * wm.lag_count) / nullif(sum(wm.lag_count), 0) AS avg_lag,
           max(wm.max_lag_ms) AS max_lag,
           avg(wm.avg_event_loop_lag_ms) AS avg_loop_lag, max(wm.max_event_loop_lag_ms) AS max_loop_lag,
           min(wm.min_free_slots) AS min_free_slots,
           sum(wm.db_error_count) AS db_errors, sum(wm.ack_failed_count) AS ack_failed,
           sum(wm.dlq_count) AS dlq
      FROM queen.worker_metrics wm
     WHERE wm.bucket_time >= (SELECT min(b) FROM buckets) AND wm.bucket_time <= $2::timestamptz
     GROUP BY 1
),
replicas AS (
    SELECT date_bin(make_interval(mins => $3), sm.timestamp, 'epoch') AS b,
           avg((sm.metrics #>> '{cpu,user_us,avg}')::float8) AS cpu_user_us,
           avg((sm.metrics #>> '{cpu,system_us,avg}')::float8) AS cpu_sys_us,
           avg((sm.metrics #>> '{memory,rss_bytes,avg}')::float8) AS rss_bytes,
           avg((sm.metrics #>> '{database,pool_active,avg}')::float8) AS pool_active,
           avg((sm.metrics #>> '{database,pool_idle,avg}')::float8) AS pool_idle,
           avg((sm.metrics #>> '{database,pool_size,avg}')::float8) AS pool_size
      FROM queen.system_metrics sm
     WHERE sm.timestamp >= (SELECT min(b) FROM buckets) AND sm.timestamp <= $2::timestamptz
     GROUP BY 1, sm.hostname, sm.port, sm.worker_id
),
process AS (
    SELECT r.b, sum(r.cpu_user_us) / 10000 AS cpu_user_pct, sum(r.cpu_sys_us) / 10000 AS cpu_sys_pct,
           sum(r.rss_bytes) / 1048576 AS rss_mb, sum(r.pool_active) AS pool_active,
           sum(r.pool_idle) AS pool_idle, sum(r.pool_size) AS pool_size
      FROM replicas r
     GROUP BY r.b
)
SELECT k.b AS bucket,
       coalesce(w.ingested, 0)::bigint AS ingested, coalesce(w.processed, 0)::bigint AS processed,
       coalesce(w.pops, 0)::bigint AS pop_messages,
       coalesce(w.ingested, 0)::float8 / ($3 * 60) AS ingested_per_second,
       coalesce(w.processed, 0)::float8 / ($3 * 60) AS processed_per_second,
       coalesce(w.pops, 0)::float8 / ($3 * 60) AS pop_per_second,
       coalesce(w.avg_lag, 0)::float8 AS avg_lag_ms, coalesce(w.max_lag, 0)::bigint AS max_lag_ms,
       coalesce(w.avg_loop_lag, 0)::float8 AS avg_loop_lag_ms, coalesce(w.max_loop_lag, 0)::float8 AS max_loop_lag_ms,
       w.min_free_slots,
       coalesce(w.db_errors, 0)::bigint AS db_errors, coalesce(w.ack_failed, 0)::bigint AS ack_failed,
       coalesce(w.dlq, 0)::bigint AS dlq_count,
       p.cpu_user_pct::float8, p.cpu_sys_pct::float8, p.rss_mb::float8,
       p.pool_active::float8, p.pool_idle::float8, p.pool_size::float8
  FROM buckets k
  LEFT JOIN work w ON w.b = k.b
  LEFT JOIN process p ON p.b = k.b
 ORDER BY k.b DESC
