-- Everything /metrics/prometheus reads from the database, in one statement: one row per
-- sample (family, label names, label values, value). Cluster-wide lifetime totals from
-- worker_metrics_summary and the DLQ depth; per queue and per worker the latest minute
-- bucket of the last five minutes (a *_per_minute gauge holds that minute's counts so far).
-- The counters' samples (the @each markers) come from QueenCounter, filled in by CounterSql.
WITH summary AS (
    SELECT * FROM queen.worker_metrics_summary WHERE id = 1
), dlq AS (
    SELECT q.name AS queue_name, count(*)::double precision AS depth
      FROM queen.dead_letter_queue d
      JOIN queen.partitions p ON p.id = d.partition_id
      JOIN queen.queues q ON q.id = p.queue_id
     GROUP BY q.name
), latest_queue AS (
    SELECT DISTINCT ON (l.queue_name) l.*
      FROM queen.queue_lag_metrics l
     WHERE l.bucket_time >= now() - interval '5 minutes'
     ORDER BY l.queue_name, l.bucket_time DESC
), latest_worker AS (
    SELECT DISTINCT ON (w.hostname, w.worker_id, w.pid) w.*
      FROM queen.worker_metrics w
     WHERE w.bucket_time >= now() - interval '5 minutes'
     ORDER BY w.hostname, w.worker_id, w.pid, w.bucket_time DESC
)
SELECT v.family, ARRAY['scope'] || v.names AS label_names, ARRAY['cluster'] || v.vals AS label_values, v.value
  FROM summary s, LATERAL (VALUES
    /*@each cluster family: ({family}, {label_names}, {label_values}, s.{column}::double precision)*/
  ) AS v(family, names, vals, value)
UNION ALL
SELECT 'queen_dlq_depth', ARRAY['scope'], ARRAY['cluster'], coalesce((SELECT sum(depth) FROM dlq), 0)
UNION ALL
SELECT 'queen_dlq_depth_by_queue', ARRAY['queue'], ARRAY[d.queue_name], d.depth FROM dlq d
UNION ALL
SELECT v.family, ARRAY['queue'] || v.names, ARRAY[q.queue_name] || v.vals, v.value
  FROM latest_queue q, LATERAL (VALUES
    /*@each queue family: ({family}, {label_names}, {label_values}, q.{column}::double precision)*/,
    ('queen_queue_pop_lag_milliseconds', ARRAY['stat'], ARRAY['avg'], q.avg_lag_ms),
    ('queen_queue_pop_lag_milliseconds', ARRAY['stat'], ARRAY['max'], q.max_lag_ms),
    ('queen_queue_parked_consumers', '{}', '{}', queen.parked_average(q.parked_seconds, q.bucket_time)),
    ('queen_queue_metrics_age_seconds', '{}', '{}', extract(epoch FROM now() - q.updated_at)::double precision)
  ) AS v(family, names, vals, value)
UNION ALL
SELECT v.family, ARRAY['hostname', 'worker_id', 'pid'] || v.names,
       ARRAY[w.hostname, w.worker_id::text, w.pid::text] || v.vals, v.value
  FROM latest_worker w, LATERAL (VALUES
    ('queen_worker_event_loop_lag_milliseconds', ARRAY['stat'], ARRAY['avg'], w.avg_event_loop_lag_ms),
    ('queen_worker_event_loop_lag_milliseconds', ARRAY['stat'], ARRAY['max'], w.max_event_loop_lag_ms),
    ('queen_worker_lag_milliseconds', ARRAY['stat'], ARRAY['avg'], w.avg_lag_ms),
    ('queen_worker_lag_milliseconds', ARRAY['stat'], ARRAY['max'], w.max_lag_ms::double precision),
    ('queen_worker_free_slots', ARRAY['stat'], ARRAY['avg'], w.avg_free_slots),
    ('queen_worker_free_slots', ARRAY['stat'], ARRAY['min'], w.min_free_slots),
    ('queen_worker_job_queue_size', ARRAY['stat'], ARRAY['avg'], w.avg_job_queue_size),
    ('queen_worker_job_queue_size', ARRAY['stat'], ARRAY['max'], w.max_job_queue_size),
    ('queen_worker_db_connections', '{}'::text[], '{}'::text[], w.db_connections),
    ('queen_worker_backoff_size', '{}', '{}', w.backoff_size),
    /*@each worker family: ({family}, {label_names}, {label_values}, w.{column}::double precision)*/,
    ('queen_worker_metrics_age_seconds', '{}', '{}', extract(epoch FROM now() - w.updated_at)::double precision)
  ) AS v(family, names, vals, value)
