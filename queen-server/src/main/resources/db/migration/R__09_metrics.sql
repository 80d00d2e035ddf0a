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

-- The worker flush used to be two functions here; it is one statement now, with its columns
-- taken from the counter declaration (metrics/QueenCounter, db/queries/worker_metrics_flush.sql).
DROP FUNCTION IF EXISTS queen.record_worker_metrics_v1(jsonb);
DROP FUNCTION IF EXISTS queen.worker_metrics_queues(jsonb);

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
