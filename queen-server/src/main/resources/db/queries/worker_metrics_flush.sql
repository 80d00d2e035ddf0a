-- One worker's metrics flush, one statement: adds its deltas $1 (WorkerMetrics.Window.toJson)
-- into its minute's rows.
--   bucket: the minute (epoch ms); at: when the window closed; worker: the worker_metrics
--   columns, averages as the averages of this delta with their weights (sample_count,
--   lag_count); queues: one object per queue seen.
-- Counters add up, maxima take the greatest, averages merge by weight. Queue rows are written
-- in name order, so concurrent flushes cannot deadlock. The @each markers are the lists of the
-- counters of QueenCounter (filled in by CounterSql); the rest are the sampled figures.
WITH p AS (
    SELECT d.doc,
           to_timestamp((d.doc->>'bucket')::bigint / 1000.0) AS bucket,
           to_timestamp((d.doc->>'at')::bigint / 1000.0) AS flushed_at
      FROM (SELECT $1::text::jsonb AS doc) d
), queues AS (
    SELECT q.*
      FROM p, jsonb_to_recordset(coalesce(p.doc->'queues', '[]'::jsonb)) AS q(
              queue_name text, /*@each queue: {column} bigint*/, avg_lag_ms double precision, max_lag_ms bigint,
              parked_seconds double precision)
     -- requests may name any queue (a pop of a typo, a probe): only real queues get rows
     WHERE EXISTS (SELECT 1 FROM queen.queues qu WHERE qu.name = q.queue_name)
), worker_row AS (
    INSERT INTO queen.worker_metrics AS wm (
        hostname, worker_id, pid, bucket_time, /*@each worker: {column}*/, sample_count, avg_event_loop_lag_ms,
        max_event_loop_lag_ms, avg_free_slots, min_free_slots, db_connections, avg_job_queue_size,
        max_job_queue_size, backoff_size, lag_count, avg_lag_ms, max_lag_ms, updated_at)
    SELECT w.hostname, w.worker_id, w.pid, p.bucket, /*@each worker: w.{column}*/, w.sample_count,
           w.avg_event_loop_lag_ms, w.max_event_loop_lag_ms, w.avg_free_slots, w.min_free_slots, w.db_connections,
           w.avg_job_queue_size, w.max_job_queue_size, w.backoff_size, w.lag_count, w.avg_lag_ms, w.max_lag_ms,
           now()
      FROM p, jsonb_to_record(p.doc->'worker') AS w(
           hostname text, worker_id integer, pid integer, /*@each worker: {column} bigint*/, sample_count integer,
           avg_event_loop_lag_ms double precision, max_event_loop_lag_ms double precision,
           avg_free_slots double precision, min_free_slots integer, db_connections integer,
           avg_job_queue_size double precision, max_job_queue_size integer, backoff_size integer,
           lag_count bigint, avg_lag_ms double precision, max_lag_ms bigint)
    ON CONFLICT (hostname, worker_id, pid, bucket_time) DO UPDATE SET
        /*@each worker: {column} = wm.{column} + EXCLUDED.{column}*/,
        sample_count          = wm.sample_count + EXCLUDED.sample_count,
        avg_event_loop_lag_ms = queen.metrics_weighted_avg(wm.avg_event_loop_lag_ms, wm.sample_count,
                                    EXCLUDED.avg_event_loop_lag_ms, EXCLUDED.sample_count),
        max_event_loop_lag_ms = greatest(wm.max_event_loop_lag_ms, EXCLUDED.max_event_loop_lag_ms),
        avg_free_slots        = queen.metrics_weighted_avg(wm.avg_free_slots, wm.sample_count,
                                    EXCLUDED.avg_free_slots, EXCLUDED.sample_count),
        min_free_slots        = CASE WHEN wm.sample_count = 0 THEN EXCLUDED.min_free_slots
                                     WHEN EXCLUDED.sample_count = 0 THEN wm.min_free_slots
                                     ELSE least(wm.min_free_slots, EXCLUDED.min_free_slots) END,
        -- the latest sampled value (a window without a sample does not know it)
        db_connections        = CASE WHEN EXCLUDED.sample_count > 0 THEN EXCLUDED.db_connections
                                     ELSE wm.db_connections END,
        avg_job_queue_size    = queen.metrics_weighted_avg(wm.avg_job_queue_size, wm.sample_count,
                                    EXCLUDED.avg_job_queue_size, EXCLUDED.sample_count),
        max_job_queue_size    = greatest(wm.max_job_queue_size, EXCLUDED.max_job_queue_size),
        backoff_size          = EXCLUDED.backoff_size,
        lag_count             = wm.lag_count + EXCLUDED.lag_count,
        avg_lag_ms            = queen.metrics_weighted_avg(wm.avg_lag_ms, wm.lag_count,
                                    EXCLUDED.avg_lag_ms, EXCLUDED.lag_count),
        max_lag_ms            = greatest(wm.max_lag_ms, EXCLUDED.max_lag_ms),
        updated_at            = now()
), queue_rows AS (
    INSERT INTO queen.queue_lag_metrics AS l (
        bucket_time, queue_name, /*@each queue: {column}*/, avg_lag_ms, max_lag_ms, parked_seconds, parked_count,
        updated_at)
    SELECT p.bucket, q.queue_name, /*@each queue: q.{column}*/, q.avg_lag_ms, q.max_lag_ms, q.parked_seconds,
           queen.parked_average(q.parked_seconds, p.bucket, p.flushed_at), now()
      FROM p, queues q
     ORDER BY q.queue_name
    ON CONFLICT (bucket_time, queue_name) DO UPDATE SET
        /*@each queue: {column} = l.{column} + EXCLUDED.{column}*/,
        -- pop lag is weighted by the pops (pop_count)
        avg_lag_ms     = queen.metrics_weighted_avg(l.avg_lag_ms, l.pop_count, EXCLUDED.avg_lag_ms, EXCLUDED.pop_count),
        max_lag_ms     = greatest(l.max_lag_ms, EXCLUDED.max_lag_ms),
        parked_seconds = l.parked_seconds + EXCLUDED.parked_seconds,
        parked_count   = queen.parked_average(l.parked_seconds + EXCLUDED.parked_seconds, l.bucket_time,
                                              (SELECT flushed_at FROM p)),
        updated_at     = now()
), replica_rows AS (
    INSERT INTO queen.queue_parked_replica AS r (bucket_time, queue_name, hostname, worker_id, parked_seconds,
                                                 parked_count, updated_at)
    SELECT p.bucket, q.queue_name, p.doc->>'hostname', p.doc->>'replica', q.parked_seconds,
           queen.parked_average(q.parked_seconds, p.bucket, p.flushed_at), now()
      FROM p, queues q
     WHERE q.parked_seconds > 0
     ORDER BY q.queue_name
    ON CONFLICT (bucket_time, queue_name, hostname, worker_id) DO UPDATE SET
        parked_seconds = r.parked_seconds + EXCLUDED.parked_seconds,
        parked_count   = queen.parked_average(r.parked_seconds + EXCLUDED.parked_seconds, r.bucket_time,
                                              (SELECT flushed_at FROM p)),
        updated_at     = now()
)
SELECT 1
