-- Pop: lease partitions for a consumer group and hand out their next messages.
-- Result rows carry the messages; when nothing could be handed out, a single row with a
-- NULL r_id and a reason in r_status is returned (or no row at all).

-- Leases one partition for (group, lease id) and reads up to p_budget messages after the
-- group's cursor. Returns no rows when the lease is held elsewhere or nothing is due; in
-- that case the lease is not kept.
CREATE OR REPLACE FUNCTION queen.pop_partition_v1(
    p_pid            uuid,
    p_pname          text,
    p_queue          text,
    p_group          text,
    p_budget         integer,
    p_lease          uuid,
    p_lease_seconds  integer,
    p_delay_seconds  integer,
    p_auto_ack       boolean,
    p_sub_mode       text,
    p_sub_from       timestamptz,
    p_meta_partition text)
RETURNS TABLE (r_status text, r_partition_id uuid, r_partition text, r_id uuid, r_txn text,
               r_trace uuid, r_payload text, r_producer text, r_created_at timestamptz)
LANGUAGE plpgsql AS $fn$
#variable_conflict use_column
DECLARE
    v_cur_ts  timestamptz;
    v_cur_id  uuid;
    v_start   timestamptz;
    v_n       integer;
    v_last_ts timestamptz;
    v_last_id uuid;
    v_visible timestamptz := CASE WHEN p_delay_seconds > 0
                                  THEN now() - make_interval(secs => p_delay_seconds)
                                  ELSE 'infinity'::timestamptz END;
BEGIN
    INSERT INTO queen.partition_consumers AS pc
           (partition_id, consumer_group, lease_acquired_at, lease_expires_at, worker_id,
            batch_size, acked_count)
    VALUES (p_pid, p_group, now(), now() + make_interval(secs => p_lease_seconds), p_lease,
            p_budget, 0)
    ON CONFLICT (partition_id, consumer_group) DO UPDATE
       SET lease_acquired_at = now(),
           lease_expires_at  = EXCLUDED.lease_expires_at,
           worker_id         = p_lease,
           batch_size        = p_budget,
           acked_count       = 0
     WHERE pc.lease_expires_at IS NULL OR pc.lease_expires_at <= now() OR pc.worker_id = p_lease
    RETURNING pc.last_consumed_created_at, pc.last_consumed_id INTO v_cur_ts, v_cur_id;
    IF NOT FOUND THEN
        RETURN;
    END IF;

    -- A named group without a position starts where its subscription says (spec 1.10).
    IF v_cur_ts IS NULL AND p_group <> '__QUEUE_MODE__' THEN
        SELECT m.subscription_timestamp INTO v_start
          FROM queen.consumer_groups_metadata m
         WHERE m.consumer_group = p_group AND m.queue_name = p_queue
           AND m.partition_name IN (p_pname, '') AND m.namespace = '' AND m.task = ''
         ORDER BY (m.partition_name = '')
         LIMIT 1;
        IF v_start IS NULL AND p_sub_mode IS NOT NULL THEN
            v_start := coalesce(p_sub_from, now());
            INSERT INTO queen.consumer_groups_metadata
                   (consumer_group, queue_name, partition_name, subscription_mode, subscription_timestamp)
            VALUES (p_group, p_queue, p_meta_partition, p_sub_mode, v_start)
            ON CONFLICT DO NOTHING;
            IF FOUND THEN
                -- every partition known today starts at the same instant
                INSERT INTO queen.partition_consumers
                       (partition_id, consumer_group, last_consumed_created_at, last_consumed_at)
                SELECT pl.partition_id, p_group, v_start, now()
                  FROM queen.partition_lookup pl
                 WHERE pl.queue_name = p_queue
                ON CONFLICT (partition_id, consumer_group) DO NOTHING;
            END IF;
        END IF;
        IF v_start IS NOT NULL THEN
            v_cur_ts := v_start;
            UPDATE queen.partition_consumers
               SET last_consumed_created_at = v_start
             WHERE partition_id = p_pid AND consumer_group = p_group
               AND last_consumed_created_at IS NULL;
        END IF;
    END IF;

    RETURN QUERY
    SELECT 'ok'::text, p_pid, p_pname, m.id, m.transaction_id, m.trace_id, m.payload::text,
           m.producer_sub, m.created_at
      FROM queen.messages m
     WHERE m.partition_id = p_pid
       AND (m.created_at, m.id) > (coalesce(v_cur_ts, '-infinity'::timestamptz), v_cur_id)
       AND m.created_at <= v_visible
     ORDER BY m.created_at, m.id
     LIMIT p_budget;
    GET DIAGNOSTICS v_n = ROW_COUNT;

    IF v_n = 0 THEN
        UPDATE queen.partition_consumers
           SET lease_expires_at = NULL, lease_acquired_at = NULL, worker_id = NULL,
               batch_size = 0, acked_count = 0
         WHERE partition_id = p_pid AND consumer_group = p_group AND worker_id = p_lease;
    ELSIF p_auto_ack THEN
        SELECT m.created_at, m.id INTO v_last_ts, v_last_id
          FROM queen.messages m
         WHERE m.partition_id = p_pid
           AND (m.created_at, m.id) > (coalesce(v_cur_ts, '-infinity'::timestamptz), v_cur_id)
           AND m.created_at <= v_visible
         ORDER BY m.created_at, m.id
         OFFSET v_n - 1 LIMIT 1;
        UPDATE queen.partition_consumers
           SET last_consumed_created_at = v_last_ts, last_consumed_id = v_last_id,
               last_consumed_at = now(),
               lease_expires_at = NULL, lease_acquired_at = NULL, worker_id = NULL,
               batch_size = 0, acked_count = 0,
               total_messages_consumed = total_messages_consumed + v_n,
               total_batches_consumed = total_batches_consumed + 1
         WHERE partition_id = p_pid AND consumer_group = p_group AND worker_id = p_lease;
        INSERT INTO queen.messages_consumed (partition_id, consumer_group, messages_completed)
        VALUES (p_pid, p_group, v_n);
    ELSIF v_n < p_budget THEN
        -- acking everything that was handed out must release the lease
        UPDATE queen.partition_consumers
           SET batch_size = v_n
         WHERE partition_id = p_pid AND consumer_group = p_group AND worker_id = p_lease;
    END IF;
END;
$fn$;

-- p_partition NULL means "any partition of the queue" (up to p_max_partitions of them,
-- p_batch messages in all). p_sub_mode is 'new' or 'timestamp' (with p_sub_from) for a
-- group that should not start from the beginning, else NULL.
CREATE OR REPLACE FUNCTION queen.pop_v1(
    p_queue          text,
    p_partition      text,
    p_group          text,
    p_batch          integer,
    p_lease          uuid,
    p_max_partitions integer,
    p_auto_ack       boolean,
    p_sub_mode       text,
    p_sub_from       timestamptz)
RETURNS TABLE (r_status text, r_partition_id uuid, r_partition text, r_id uuid, r_txn text,
               r_trace uuid, r_payload text, r_producer text, r_created_at timestamptz)
LANGUAGE plpgsql AS $fn$
#variable_conflict use_column
DECLARE
    v_queue      record;
    v_pid        uuid;
    v_newest     timestamptz;
    v_lease_secs integer;
    v_mark       timestamptz;
    v_budget     integer := p_batch;
    v_claimed    integer := 0;
    v_seen       integer := 0;
    v_n          integer;
    c            record;
BEGIN
    SELECT q.id, q.lease_time, q.window_buffer, q.delayed_processing INTO v_queue
      FROM queen.queues q WHERE q.name = p_queue;
    IF NOT FOUND THEN
        r_status := 'queue_not_found';
        RETURN NEXT;
        RETURN;
    END IF;
    v_lease_secs := CASE WHEN v_queue.lease_time > 0 THEN v_queue.lease_time ELSE 60 END;

    IF p_partition IS NOT NULL THEN
        SELECT pt.id, pl.last_message_created_at INTO v_pid, v_newest
          FROM queen.partitions pt
          LEFT JOIN queen.partition_lookup pl ON pl.partition_id = pt.id
         WHERE pt.queue_id = v_queue.id AND pt.name = p_partition;
        IF v_pid IS NULL THEN
            r_status := 'partition_not_found';
            RETURN NEXT;
            RETURN;
        END IF;
        IF v_queue.window_buffer > 0
           AND v_newest > now() - make_interval(secs => v_queue.window_buffer) THEN
            r_status := 'window_buffer';
            RETURN NEXT;
            RETURN;
        END IF;
        RETURN QUERY SELECT * FROM queen.pop_partition_v1(
            v_pid, p_partition, p_queue, p_group, p_batch, p_lease, v_lease_secs,
            v_queue.delayed_processing, p_auto_ack, p_sub_mode, p_sub_from, p_partition);
        RETURN;
    END IF;

    SELECT w.last_empty_scan_at INTO v_mark
      FROM queen.consumer_watermarks w
     WHERE w.queue_name = p_queue AND w.consumer_group = p_group;

    FOR c IN
        SELECT pl.partition_id, pt.name
          FROM queen.partition_lookup pl
          JOIN queen.partitions pt ON pt.id = pl.partition_id
          LEFT JOIN queen.partition_consumers pc
                 ON pc.partition_id = pl.partition_id AND pc.consumer_group = p_group
         WHERE pl.queue_name = p_queue
           AND (v_mark IS NULL OR pl.updated_at >= v_mark - interval '2 minutes')
           AND (pc.lease_expires_at IS NULL OR pc.lease_expires_at <= now())
           AND (pc.last_consumed_created_at IS NULL
                OR (pl.last_message_created_at, pl.last_message_id)
                   > (pc.last_consumed_created_at, pc.last_consumed_id))
           AND (v_queue.window_buffer = 0
                OR pl.last_message_created_at <= now() - make_interval(secs => v_queue.window_buffer))
         ORDER BY pc.last_consumed_at NULLS FIRST, pl.last_message_created_at
    LOOP
        EXIT WHEN v_budget <= 0 OR v_claimed >= p_max_partitions;
        v_seen := v_seen + 1;
        -- another pop of this group is working on the partition right now: take the next
        CONTINUE WHEN NOT pg_try_advisory_xact_lock(
            hashtextextended(c.partition_id::text || '/' || p_group, 7151));
        RETURN QUERY SELECT * FROM queen.pop_partition_v1(
            c.partition_id, c.name, p_queue, p_group, v_budget, p_lease, v_lease_secs,
            v_queue.delayed_processing, p_auto_ack, p_sub_mode, p_sub_from, '');
        GET DIAGNOSTICS v_n = ROW_COUNT;
        IF v_n > 0 THEN
            v_claimed := v_claimed + 1;
            v_budget := v_budget - v_n;
        END IF;
    END LOOP;

    IF v_claimed = 0 THEN
        IF v_seen = 0 AND NOT EXISTS (
            SELECT 1
              FROM queen.partition_lookup pl
              LEFT JOIN queen.partition_consumers pc
                     ON pc.partition_id = pl.partition_id AND pc.consumer_group = p_group
             WHERE pl.queue_name = p_queue
               AND (pc.last_consumed_created_at IS NULL
                    OR (pl.last_message_created_at, pl.last_message_id)
                       > (pc.last_consumed_created_at, pc.last_consumed_id))) THEN
            -- nothing pending anywhere: later scans may skip partitions idle since now
            INSERT INTO queen.consumer_watermarks AS w
                   (queue_name, consumer_group, last_empty_scan_at, updated_at)
            VALUES (p_queue, p_group, now(), now())
            ON CONFLICT (queue_name, consumer_group) DO UPDATE
               SET last_empty_scan_at = now(), updated_at = now();
        END IF;
        r_status := 'no_available_partition';
        RETURN NEXT;
    END IF;
END;
$fn$;

-- The reference's JSON entry point for specific-partition pops (spec 2.3).
CREATE OR REPLACE FUNCTION queen.pop_specific_batch(p_requests jsonb)
RETURNS jsonb
LANGUAGE plpgsql AS $fn$
#variable_conflict use_column
DECLARE
    req        jsonb;
    v_out      jsonb := '[]'::jsonb;
    v_messages jsonb;
    v_mode     text;
    v_from     timestamptz;
    v_lease    uuid;
BEGIN
    FOR req IN SELECT value FROM jsonb_array_elements(coalesce(p_requests, '[]'::jsonb)) LOOP
        v_mode := NULL;
        v_from := NULL;
        IF req->>'sub_from' = 'now' OR req->>'sub_mode' = 'new' THEN
            v_mode := 'new';
        ELSIF coalesce(req->>'sub_from', '') <> '' THEN
            BEGIN
                v_from := (req->>'sub_from')::timestamptz;
                v_mode := 'timestamp';
            EXCEPTION WHEN others THEN
                v_from := NULL;
            END;
        END IF;
        v_lease := coalesce(nullif(req->>'worker_id', '')::uuid, gen_random_uuid());

        SELECT coalesce(jsonb_agg(jsonb_build_object(
                   'id', r.r_id, 'transactionId', r.r_txn, 'traceId', r.r_trace,
                   'data', r.r_payload::jsonb, 'producerSub', r.r_producer,
                   'createdAt', to_char(r.r_created_at AT TIME ZONE 'UTC',
                                        'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'))
                   ORDER BY r.r_created_at, r.r_id) FILTER (WHERE r.r_id IS NOT NULL), '[]'::jsonb)
          INTO v_messages
          FROM queen.pop_v1(req->>'queue_name', coalesce(req->>'partition_name', 'Default'),
                            coalesce(nullif(req->>'consumer_group', ''), '__QUEUE_MODE__'),
                            greatest(coalesce((req->>'batch_size')::integer, 1), 1), v_lease, 1, false,
                            v_mode, v_from) r;

        v_out := v_out || jsonb_build_array(jsonb_build_object(
            'idx', coalesce((req->>'idx')::integer, 0),
            'result', jsonb_build_object(
                'success', true,
                'queue', req->>'queue_name',
                'partition', coalesce(req->>'partition_name', 'Default'),
                'partitionId', (SELECT pt.id FROM queen.partitions pt JOIN queen.queues q ON q.id = pt.queue_id
                                 WHERE q.name = req->>'queue_name'
                                   AND pt.name = coalesce(req->>'partition_name', 'Default')),
                'leaseId', v_lease,
                'consumerGroup', coalesce(nullif(req->>'consumer_group', ''), '__QUEUE_MODE__'),
                'messages', v_messages)));
    END LOOP;
    RETURN v_out;
END;
$fn$;
