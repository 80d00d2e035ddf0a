-- Worker metrics over minutes $1..$2 ($3 hostname, $4 worker id; null: all), in one pass:
-- rows with is_bucket are the series (summed over the workers per bucket of $5 minutes),
-- the others one per worker over the whole window. The counters (QueenCounter, filled in by
-- CounterSql) are summed under their aliases. Averages are weighted by their sample
-- counts; connections and back-off of a bucket are per-minute figures averaged over its
-- minutes, a worker's connections are its latest minute's.
SELECT grouping(b.bucket) = 0 AS is_bucket,
       b.bucket, b.hostname, b.worker_id, b.pid,
       max(b.bucket_time) AS last_seen,
       /*@each worker: sum(b.{column}) AS {alias}*/,
       coalesce(sum(b.avg_event_loop_lag_ms * b.sample_count) / nullif(sum(b.sample_count), 0), 0) AS avg_event_loop_lag_ms,
       max(b.max_event_loop_lag_ms) AS max_event_loop_lag_ms,
       coalesce(sum(b.avg_free_slots * b.sample_count) / nullif(sum(b.sample_count), 0), 0) AS avg_free_slots,
       coalesce(min(b.min_free_slots) FILTER (WHERE b.sample_count > 0), 0) AS min_free_slots,
       CASE WHEN grouping(b.bucket) = 0 THEN sum(b.db_connections)::double precision / count(DISTINCT b.bucket_time)
            ELSE (array_agg(b.db_connections ORDER BY b.bucket_time DESC))[1] END AS db_connections,
       coalesce(sum(b.avg_job_queue_size * b.sample_count) / nullif(sum(b.sample_count), 0), 0) AS avg_job_queue_size,
       max(b.max_job_queue_size) AS max_job_queue_size,
       sum(b.backoff_size)::double precision / count(DISTINCT b.bucket_time) AS backoff_size,
       coalesce(sum(b.avg_lag_ms * b.lag_count) / nullif(sum(b.lag_count), 0), 0) AS avg_lag_ms,
       max(b.max_lag_ms) AS max_lag_ms,
       sum(b.lag_count) AS lag_count
  FROM (SELECT queen.metrics_bucket(w.bucket_time, $5) AS bucket, w.*
          FROM queen.worker_metrics w
         WHERE w.bucket_time >= date_trunc('minute', $1::timestamptz) AND w.bucket_time <= $2
           AND ($3::text IS NULL OR w.hostname = $3)
           AND ($4::integer IS NULL OR w.worker_id = $4)) b
 GROUP BY GROUPING SETS ((b.bucket), (b.hostname, b.worker_id, b.pid))
 ORDER BY b.bucket, b.hostname, b.worker_id, b.pid
