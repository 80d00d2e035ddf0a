-- Adds what a worker_metrics write added (a new row, or the growth of an upserted one).
CREATE OR REPLACE FUNCTION queen.worker_metrics_summary_add()
RETURNS trigger
LANGUAGE plpgsql AS $fn$
DECLARE
    o queen.worker_metrics;
BEGIN
    IF TG_OP = 'UPDATE' THEN
        o := OLD;
    END IF;
    UPDATE queen.worker_metrics_summary s SET
        total_push_requests = s.total_push_requests + NEW.push_request_count - coalesce(o.push_request_count, 0),
        total_pop_requests  = s.total_pop_requests  + NEW.pop_request_count  - coalesce(o.pop_request_count, 0),
        total_ack_requests  = s.total_ack_requests  + NEW.ack_request_count  - coalesce(o.ack_request_count, 0),
        total_transactions  = s.total_transactions  + NEW.transaction_count  - coalesce(o.transaction_count, 0),
        total_push_messages = s.total_push_messages + NEW.push_message_count - coalesce(o.push_message_count, 0),
        total_pop_messages  = s.total_pop_messages  + NEW.pop_message_count  - coalesce(o.pop_message_count, 0),
        total_ack_messages  = s.total_ack_messages  + NEW.ack_message_count  - coalesce(o.ack_message_count, 0),
        total_ack_success   = s.total_ack_success   + NEW.ack_success_count  - coalesce(o.ack_success_count, 0),
        total_ack_failed    = s.total_ack_failed    + NEW.ack_failed_count   - coalesce(o.ack_failed_count, 0),
        total_db_errors     = s.total_db_errors     + NEW.db_error_count     - coalesce(o.db_error_count, 0),
        total_dlq           = s.total_dlq           + NEW.dlq_count          - coalesce(o.dlq_count, 0),
        last_updated_at     = now()
     WHERE s.id = 1;
    RETURN NULL;
END;
$fn$;
-- (dropped and created again whenever this file changes)
DROP TRIGGER IF EXISTS worker_metrics_summary_add ON queen.worker_metrics;
CREATE TRIGGER worker_metrics_summary_add
    AFTER INSERT OR UPDATE ON queen.worker_metrics
    FOR EACH ROW EXECUTE FUNCTION queen.worker_metrics_summary_add();


-- The average number of parked long-polls in the minute `bucket`, as of `as_of` (a whole
-- minute once it is over).
CREATE OR REPLACE FUNCTION queen.parked_average(parked_seconds double precision, bucket timestamptz,
                                                as_of timestamptz DEFAULT now())
RETURNS double precision
LANGUAGE sql STABLE AS $fn$
    SELECT parked_seconds / greatest(1, least(60, extract(epoch FROM as_of - bucket)))
$fn$;

-- Average of two averages, each weighted by its number of samples.
CREATE OR REPLACE FUNCTION queen.metrics_weighted_avg(a double precision, na bigint, b double precision, nb bigint)
RETURNS double precision
LANGUAGE sql IMMUTABLE AS $fn$
    SELECT CASE WHEN coalesce(na, 0) + coalesce(nb, 0) = 0 THEN 0
                ELSE (coalesce(a, 0) * coalesce(na, 0) + coalesce(b, 0) * coalesce(nb, 0))
                     / (coalesce(na, 0) + coalesce(nb, 0)) END
$fn$;

-- The start of the bucket of `minutes` minutes that holds t (buckets aligned on the epoch).
CREATE OR REPLACE FUNCTION queen.metrics_bucket(t timestamptz, minutes integer)
RETURNS timestamptz
LANGUAGE sql IMMUTABLE AS $fn$
    SELECT to_timestamp(floor(extract(epoch FROM t) / (minutes * 60)) * (minutes * 60))
$fn$;

-- The per-queue part of a worker flush as rows.
CREATE OR REPLACE FUNCTION queen.worker_metrics_queues(p jsonb)
RETURNS TABLE (queue_name text, pop_count bigint, avg_lag_ms double precision, max_lag_ms bigint,
               push_request_count bigint, push_message_count bigint, pop_empty_count bigint,
               ack_request_count bigint, ack_success_count bigint, ack_failed_count bigint,
               transaction_count bigint, parked_seconds double precision)
LANGUAGE sql IMMUTABLE AS $fn$
    SELECT * FROM jsonb_to_recordset(coalesce(p->'queues', '[]'::jsonb)) AS q(
           queue_name text, pop_count bigint, avg_lag_ms double precision, max_lag_ms bigint,
           push_request_count bigint, push_message_count bigint, pop_empty_count bigint, ack_request_count bigint,
           ack_success_count bigint, ack_failed_count bigint, transaction_count bigint,
           parked_seconds double precision)
$fn$;

-- Adds one worker's deltas (p, see WorkerMetrics.Window.toJson) into its minute's rows:
--   p.bucket: the minute (epoch ms); p.worker: the worker_metrics columns, averages as the
--   averages of this delta with their weights (sample_count, lag_count); p.queues: one
--   object per queue seen. Counters add up, maxima take the greatest, averages merge by
--   weight. Queue rows are written in name order, so concurrent flushes cannot deadlock.
CREATE OR REPLACE FUNCTION queen.record_worker_metrics_v1(p jsonb)
RETURNS void
LANGUAGE plpgsql AS $fn$
DECLARE
    bucket     timestamptz := to_timestamp((p->>'bucket')::bigint / 1000.0);
    flushed_at timestamptz := to_timestamp((p->>'at')::bigint / 1000.0);
BEGIN
    INSERT INTO queen.worker_metrics AS wm (
        hostname, worker_id, pid, bucket_time, sample_count, avg_event_loop_lag_ms, max_event_loop_lag_ms,
        avg_free_slots, min_free_slots, db_connections, avg_job_queue_size, max_job_queue_size, backoff_size,
        push_request_count, pop_request_count, ack_request_count, transaction_count, push_message_count,
        pop_message_count, ack_message_count, ack_success_count, ack_failed_count, lag_count, avg_lag_ms,
        max_lag_ms, db_error_count, dlq_count, jobs_done, updated_at)
    SELECT w.hostname, w.worker_id, w.pid, bucket, w.sample_count, w.avg_event_loop_lag_ms, w.max_event_loop_lag_ms,
           w.avg_free_slots, w.min_free_slots, w.db_connections, w.avg_job_queue_size, w.max_job_queue_size,
           w.backoff_size, w.push_request_count, w.pop_request_count, w.ack_request_count, w.transaction_count,
           w.push_message_count, w.pop_message_count, w.ack_message_count, w.ack_success_count, w.ack_failed_count,
           w.lag_count, w.avg_lag_ms, w.max_lag_ms, w.db_error_count, w.dlq_count, w.jobs_done, now()
      FROM jsonb_to_record(p->'worker') AS w(
           hostname text, worker_id integer, pid integer, sample_count integer,
           avg_event_loop_lag_ms double precision, max_event_loop_lag_ms double precision,
           avg_free_slots double precision, min_free_slots integer, db_connections integer,
           avg_job_queue_size double precision, max_job_queue_size integer, backoff_size integer,
           push_request_count bigint, pop_request_count bigint, ack_request_count bigint, transaction_count bigint,
           push_message_count bigint, pop_message_count bigint, ack_message_count bigint,
           ack_success_count bigint, ack_failed_count bigint, lag_count bigint, avg_lag_ms double precision,
           max_lag_ms bigint, db_error_count bigint, dlq_count bigint, jobs_done bigint)
    ON CONFLICT (hostname, worker_id, pid, bucket_time) DO UPDATE SET
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
        push_request_count    = wm.push_request_count + EXCLUDED.push_request_count,
        pop_request_count     = wm.pop_request_count + EXCLUDED.pop_request_count,
        ack_request_count     = wm.ack_request_count + EXCLUDED.ack_request_count,
        transaction_count     = wm.transaction_count + EXCLUDED.transaction_count,
        push_message_count    = wm.push_message_count + EXCLUDED.push_message_count,
        pop_message_count     = wm.pop_message_count + EXCLUDED.pop_message_count,
        ack_message_count     = wm.ack_message_count + EXCLUDED.ack_message_count,
        ack_success_count     = wm.ack_success_count + EXCLUDED.ack_success_count,
        ack_failed_count      = wm.ack_failed_count + EXCLUDED.ack_failed_count,
        lag_count             = wm.lag_count + EXCLUDED.lag_count,
        avg_lag_ms            = queen.metrics_weighted_avg(wm.avg_lag_ms, wm.lag_count,
                                    EXCLUDED.avg_lag_ms, EXCLUDED.lag_count),
        max_lag_ms            = greatest(wm.max_lag_ms, EXCLUDED.max_lag_ms),
        db_error_count        = wm.db_error_count + EXCLUDED.db_error_count,
        dlq_count             = wm.dlq_count + EXCLUDED.dlq_count,
        jobs_done             = wm.jobs_done + EXCLUDED.jobs_done,
        updated_at            = now();

    INSERT INTO queen.queue_lag_metrics AS l (
        bucket_time, queue_name, pop_count, avg_lag_ms, max_lag_ms, push_request_count, push_message_count,
        pop_empty_count, ack_request_count, ack_success_count, ack_failed_count, transaction_count, parked_seconds,
        parked_count, updated_at)
    SELECT bucket, q.queue_name, q.pop_count, q.avg_lag_ms, q.max_lag_ms, q.push_request_count,
           q.push_message_count, q.pop_empty_count, q.ack_request_count, q.ack_success_count,
           q.ack_failed_count, q.transaction_count, q.parked_seconds,
           queen.parked_average(q.parked_seconds, bucket, flushed_at), now()
      FROM queen.worker_metrics_queues(p) q
     -- requests may name any queue (a pop of a typo, a probe): only real queues get rows
     WHERE EXISTS (SELECT 1 FROM queen.queues qu WHERE qu.name = q.queue_name)
     ORDER BY q.queue_name
    ON CONFLICT (bucket_time, queue_name) DO UPDATE SET
        pop_count          = l.pop_count + EXCLUDED.pop_count,
        avg_lag_ms         = queen.metrics_weighted_avg(l.avg_lag_ms, l.pop_count, EXCLUDED.avg_lag_ms, EXCLUDED.pop_count),
        max_lag_ms         = greatest(l.max_lag_ms, EXCLUDED.max_lag_ms),
        push_request_count = l.push_request_count + EXCLUDED.push_request_count,
        push_message_count = l.push_message_count + EXCLUDED.push_message_count,
        pop_empty_count    = l.pop_empty_count + EXCLUDED.pop_empty_count,
        ack_request_count  = l.ack_request_count + EXCLUDED.ack_request_count,
        ack_success_count  = l.ack_success_count + EXCLUDED.ack_success_count,
        ack_failed_count   = l.ack_failed_count + EXCLUDED.ack_failed_count,
        transaction_count  = l.transaction_count + EXCLUDED.transaction_count,
        parked_seconds     = l.parked_seconds + EXCLUDED.parked_seconds,
        parked_count       = queen.parked_average(l.parked_seconds + EXCLUDED.parked_seconds, bucket, flushed_at),
        updated_at         = now();

    INSERT INTO queen.queue_parked_replica AS r (bucket_time, queue_name, hostname, worker_id, parked_seconds,
                                                 parked_count, updated_at)
    SELECT bucket, q.queue_name, p->>'hostname', p->>'replica', q.parked_seconds,
           queen.parked_average(q.parked_seconds, bucket, flushed_at), now()
      FROM queen.worker_metrics_queues(p) q
     WHERE q.parked_seconds > 0
       AND EXISTS (SELECT 1 FROM queen.queues qu WHERE qu.name = q.queue_name)
     ORDER BY q.queue_name
    ON CONFLICT (bucket_time, queue_name, hostname, worker_id) DO UPDATE SET
        parked_seconds = r.parked_seconds + EXCLUDED.parked_seconds,
        parked_count   = queen.parked_average(r.parked_seconds + EXCLUDED.parked_seconds, bucket, flushed_at),
        updated_at     = now();


END;
$fn$;

-- Merges two system_metrics JSON documents of na and nb samples: a leaf {avg, min, max, last}
-- becomes the weighted average, the least minimum, the greatest maximum and b's last value;
-- sections merge key by key; anything else takes b's value.
CREATE OR REPLACE FUNCTION queen.system_metrics_merge(a jsonb, na bigint, b jsonb, nb bigint)
RETURNS jsonb
LANGUAGE plpgsql IMMUTABLE AS $fn$
BEGIN
    IF a IS NULL OR jsonb_typeof(a) <> 'object' OR b IS NULL OR jsonb_typeof(b) <> 'object' THEN
        RETURN coalesce(b, a);
    END IF;
    IF b ? 'avg' AND a ? 'avg' THEN
        RETURN jsonb_build_object(
            'avg', queen.metrics_weighted_avg((a->>'avg')::double precision, na, (b->>'avg')::double precision, nb),
            'min', least((a->>'min')::double precision, (b->>'min')::double precision),
            'max', greatest((a->>'max')::double precision, (b->>'max')::double precision),
            'last', b->'last');
    END IF;
    RETURN a || coalesce((SELECT jsonb_object_agg(e.key, queen.system_metrics_merge(a->e.key, na, e.value, nb))
                            FROM jsonb_each(b) e), '{}'::jsonb);
END;
$fn$;

-- Metrics retention: deletes up to `batch` rows in all, older than `days` days, from the
-- per-minute metrics tables (worker, queue, parked long-polls, system); returns how many.
-- The lifetime summary keeps its totals: its trigger does not fire on delete.
CREATE OR REPLACE FUNCTION queen.prune_metrics_v1(days integer, batch integer)
RETURNS integer
LANGUAGE plpgsql AS $fn$
DECLARE
    cutoff timestamptz := now() - make_interval(days => days);
    remaining integer := batch;
    t text[];
    n integer;
BEGIN
    -- (table, its minute column)
    FOREACH t SLICE 1 IN ARRAY ARRAY[['worker_metrics', 'bucket_time'], ['queue_lag_metrics', 'bucket_time'],
                                     ['queue_parked_replica', 'bucket_time'], ['system_metrics', 'timestamp']] LOOP
        EXIT WHEN remaining <= 0;
        EXECUTE format('DELETE FROM queen.%1$I WHERE ctid = ANY (ARRAY('
                       'SELECT ctid FROM queen.%1$I WHERE %2$I < $1 LIMIT $2))', t[1], t[2])
            USING cutoff, remaining;
        GET DIAGNOSTICS n = ROW_COUNT;
        remaining := remaining - n;
    END LOOP;
    RETURN batch - remaining;
END;
$fn$;

-- Merges system_metrics rows into one bucket: system_metrics_agg(metrics, sample_count)
-- gives {"n": samples, "m": merged metrics} (analytics over buckets longer than a minute).
CREATE OR REPLACE FUNCTION queen.system_metrics_agg_step(state jsonb, metrics jsonb, n integer)
RETURNS jsonb
LANGUAGE sql IMMUTABLE AS $fn$
    SELECT jsonb_build_object(
        'n', coalesce((state->>'n')::bigint, 0) + n,
        'm', queen.system_metrics_merge(state->'m', coalesce((state->>'n')::bigint, 0), metrics, n))
$fn$;

CREATE OR REPLACE AGGREGATE queen.system_metrics_agg(jsonb, integer) (
    SFUNC = queen.system_metrics_agg_step,
    STYPE = jsonb
);
