-- Pop: lease partitions for a consumer group and hand out their next messages.
-- Result rows carry the messages; when nothing could be handed out, a single row with a
-- NULL r_id and a reason in r_status is returned (or no row at all).

-- The partition pop of earlier builds: nothing calls it any more.
DROP FUNCTION IF EXISTS queen.pop_partition_v1(uuid, text, text, text, integer, uuid, integer, integer, boolean,
                                               text, timestamptz, text);

-- Leases one partition for (group, lease id) and reads up to p_budget messages after the
-- group's cursor. Returns no rows when the lease is held elsewhere or nothing is due; in
-- that case the lease is not kept. A group's subscription row places every partition that
-- has no cursor yet (no consumer row is seeded per partition: that cost grew with the queue).
-- The page also stops where the payloads reach p_max_bytes (QUEEN_MAX_POP_BYTES; the first
-- message always goes), so a pop of many large messages cannot exhaust the server's heap; a
-- multi-partition pop shares the limit across partitions. pop_v1 and pop_partition_v2 keep
-- their signatures, without a limit, for servers of earlier builds on the same database.
--
-- A wildcard pop with auto-ack, the single-message consumer's usual call, is written lean
-- (measured: most of its cost was writes that no other session ever reads).
--
--  * No lease is written for an auto-acked pop. The consumer row is locked until commit, which
--    keeps every other consumer of the group out of the partition just as well, and the lease
--    columns stay NULL, so the cursor update touches no indexed column and stays a HOT update.
--    Before, the pop set worker_id (indexed) and cleared it again: two index-changing updates
--    per pop.
--  * The ready row is settled by the function that moved the cursor, from the partition's
--    newest message read under the ready row's lock, instead of re-reading cursor and lookup.
CREATE OR REPLACE FUNCTION queen.pop_partition_v3(
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
    p_meta_partition text,
    -- with a ready row of the group locked by the caller and no delay: the partition's newest
    -- message as read under that lock; an auto-ack that reaches it drops the row, one that
    -- does not sends the row to the back of the line. NULL: the caller settles the row.
    p_newest_ts      timestamptz,
    p_newest_id      uuid,
    -- the answer's payloads add up to about this many bytes at most (NULL: no limit); the
    -- first message always goes, however large, so that no partition can get stuck
    p_max_bytes      bigint)
RETURNS TABLE (r_status text, r_partition_id uuid, r_partition text, r_id uuid, r_txn text,
               r_trace uuid, r_payload text, r_producer text, r_created_at timestamptz)
LANGUAGE plpgsql
-- The messages after the cursor are read in (created_at, id) order, which only the
-- (partition_id, created_at, id) index gives. When the statistics say a partition holds about
-- one row (they lag behind a burst of pushes into new partitions), the planner took the
-- (partition_id, transaction_id) index instead and sorted: every pop then read all of the
-- partition's rows, consumed ones included (pop-autoack at a quarter of its rate, 9 ms per
-- 100 messages in auto_explain). Without sorts the ordered index is the only cheap plan.
SET enable_sort = off
AS $fn$
#variable_conflict use_column
DECLARE
    v_cur_ts  timestamptz;
    v_cur_id  uuid;
    v_expires timestamptz;
    v_holder  uuid;
    v_start   timestamptz;
    v_n       integer;
    v_last_ts timestamptz;
    v_last_id uuid;
    v_visible timestamptz := CASE WHEN p_delay_seconds > 0
                                  THEN now() - make_interval(secs => p_delay_seconds)
                                  ELSE 'infinity'::timestamptz END;
BEGIN
    IF p_auto_ack THEN
        SELECT pc.last_consumed_created_at, pc.last_consumed_id, pc.lease_expires_at, pc.worker_id
          INTO v_cur_ts, v_cur_id, v_expires, v_holder
          FROM queen.partition_consumers pc
         WHERE pc.partition_id = p_pid AND pc.consumer_group = p_group
           FOR UPDATE;
        IF NOT FOUND THEN
            INSERT INTO queen.partition_consumers AS pc (partition_id, consumer_group)
            VALUES (p_pid, p_group)
            ON CONFLICT (partition_id, consumer_group) DO NOTHING
            RETURNING pc.last_consumed_created_at, pc.last_consumed_id INTO v_cur_ts, v_cur_id;
            IF NOT FOUND THEN
                -- another session created the row first: wait for it like any row lock
                SELECT pc.last_consumed_created_at, pc.last_consumed_id, pc.lease_expires_at, pc.worker_id
                  INTO v_cur_ts, v_cur_id, v_expires, v_holder
                  FROM queen.partition_consumers pc
                 WHERE pc.partition_id = p_pid AND pc.consumer_group = p_group
                   FOR UPDATE;
            END IF;
        END IF;
        IF v_expires > now() AND v_holder IS DISTINCT FROM p_lease THEN
            -- leased by a consumer that acks explicitly
            RETURN;
        END IF;
    ELSE
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
    SELECT 'ok'::text, p_pid, p_pname, s.id, s.transaction_id, s.trace_id, s.payload,
           s.producer_sub, s.created_at
      FROM (SELECT c.*, sum(octet_length(c.payload)) OVER (ORDER BY c.created_at, c.id) AS upto
              FROM (SELECT m.id, m.transaction_id, m.trace_id, m.payload::text AS payload,
                           m.producer_sub, m.created_at
                      FROM queen.messages m
                     WHERE m.partition_id = p_pid
                       AND (m.created_at, m.id) > (coalesce(v_cur_ts, '-infinity'::timestamptz), v_cur_id)
                       AND m.created_at <= v_visible
                     ORDER BY m.created_at, m.id
                     LIMIT p_budget) c) s
     -- a message goes when the ones before it stay under the limit
     WHERE p_max_bytes IS NULL OR s.upto - octet_length(s.payload) < p_max_bytes
     ORDER BY s.created_at, s.id;
    GET DIAGNOSTICS v_n = ROW_COUNT;

    IF v_n = 0 THEN
        IF NOT p_auto_ack THEN
            UPDATE queen.partition_consumers
               SET lease_expires_at = NULL, lease_acquired_at = NULL, worker_id = NULL,
                   batch_size = 0, acked_count = 0
             WHERE partition_id = p_pid AND consumer_group = p_group AND worker_id = p_lease;
        END IF;
    ELSIF p_auto_ack THEN
        SELECT m.created_at, m.id INTO v_last_ts, v_last_id
          FROM queen.messages m
         WHERE m.partition_id = p_pid
           AND (m.created_at, m.id) > (coalesce(v_cur_ts, '-infinity'::timestamptz), v_cur_id)
           AND m.created_at <= v_visible
         ORDER BY m.created_at, m.id
         OFFSET v_n - 1 LIMIT 1;
        -- the lease columns are already NULL unless an expired lease was taken over
        UPDATE queen.partition_consumers
           SET last_consumed_created_at = v_last_ts, last_consumed_id = v_last_id,
               last_consumed_at = now(),
               lease_expires_at = NULL, lease_acquired_at = NULL, worker_id = NULL,
               batch_size = 0, acked_count = 0,
               total_messages_consumed = total_messages_consumed + v_n,
               total_batches_consumed = total_batches_consumed + 1
         WHERE partition_id = p_pid AND consumer_group = p_group;
        INSERT INTO queen.messages_consumed (partition_id, consumer_group, messages_completed)
        VALUES (p_pid, p_group, v_n);
        IF p_newest_ts IS NOT NULL THEN
            IF (v_last_ts, v_last_id) >= (p_newest_ts, p_newest_id) THEN
                DELETE FROM queen.partition_ready r
                 WHERE r.partition_id = p_pid AND r.consumer_group = p_group;
            ELSE
                UPDATE queen.partition_ready r SET visible_at = now()
                 WHERE r.partition_id = p_pid AND r.consumer_group = p_group;
            END IF;
        END IF;
    ELSIF v_n < p_budget THEN
        -- acking everything that was handed out must release the lease
        UPDATE queen.partition_consumers
           SET batch_size = v_n
         WHERE partition_id = p_pid AND consumer_group = p_group AND worker_id = p_lease;
    END IF;
END;
$fn$;

CREATE OR REPLACE FUNCTION queen.pop_v2(
    p_queue          text,
    p_partition      text,
    p_group          text,
    p_batch          integer,
    p_lease          uuid,
    p_max_partitions integer,
    p_auto_ack       boolean,
    p_sub_mode       text,
    p_sub_from       timestamptz,
    -- the payloads of the whole answer add up to about this many bytes (NULL: no limit)
    p_max_bytes      bigint)
RETURNS TABLE (r_status text, r_partition_id uuid, r_partition text, r_id uuid, r_txn text,
               r_trace uuid, r_payload text, r_producer text, r_created_at timestamptz)
LANGUAGE plpgsql AS $fn$
#variable_conflict use_column
DECLARE
    v_queue       record;
    v_pid         uuid;
    v_newest      timestamptz;
    v_newest_id   uuid;
    v_lease_secs  integer;
    v_budget      integer := p_batch;
    v_claimed     integer := 0;
    v_n           integer;
    v_backfilling boolean;
    v_round       integer;
    v_seen        uuid[] := '{}';
    v_pname       text;
    v_bytes_left  bigint := p_max_bytes;
    c             record;
    got           record;
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
        RETURN QUERY SELECT * FROM queen.pop_partition_v3(
            v_pid, p_partition, p_queue, p_group, p_batch, p_lease, v_lease_secs,
            v_queue.delayed_processing, p_auto_ack, p_sub_mode, p_sub_from, p_partition, NULL, NULL,
            p_max_bytes);
        RETURN;
    END IF;

    v_backfilling := queen.ready_prepare_v1(v_queue.id, p_queue, p_group, p_sub_mode, p_sub_from,
                                            greatest(p_max_partitions, 1));

    -- oldest visible first: a partition served goes to the back of the line (fairness). Rounds
    -- of as many rows as partitions are still wanted, so that a pop locks no row it will not
    -- look at (other pops skip locked rows); a row it looked at is not taken twice.
    LOOP
        v_round := 0;
        -- the ready rows alone: a join here, planned once per session for a table that was
        -- small then, can turn into a scan per candidate; the lookups below are by key
        FOR c IN
            SELECT r.partition_id
              FROM queen.partition_ready r
             WHERE r.consumer_group = p_group AND r.queue_id = v_queue.id AND r.visible_at <= now()
               AND r.partition_id <> ALL (v_seen)
             ORDER BY r.visible_at
             LIMIT p_max_partitions - v_claimed
               FOR UPDATE SKIP LOCKED
        LOOP
            v_round := v_round + 1;
            v_seen := v_seen || c.partition_id;
            EXIT WHEN v_budget <= 0 OR v_bytes_left <= 0;
            v_pname := (SELECT pt.name FROM queen.partitions pt WHERE pt.id = c.partition_id);
            SELECT pl.last_message_created_at, pl.last_message_id INTO v_newest, v_newest_id
              FROM queen.partition_lookup pl WHERE pl.partition_id = c.partition_id;
            IF v_newest IS NULL THEN
                -- the partition holds no message at all
                DELETE FROM queen.partition_ready r
                 WHERE r.partition_id = c.partition_id AND r.consumer_group = p_group;
                CONTINUE;
            END IF;
            IF v_queue.window_buffer > 0
               AND v_newest > now() - make_interval(secs => v_queue.window_buffer) THEN
                UPDATE queen.partition_ready r
                   SET visible_at = v_newest + make_interval(secs => v_queue.window_buffer)
                 WHERE r.partition_id = c.partition_id AND r.consumer_group = p_group;
                CONTINUE;
            END IF;
            -- an auto-ack without delay settles the ready row itself (see pop_partition_v2)
            IF p_max_partitions = 1 OR p_max_bytes IS NULL THEN
                RETURN QUERY SELECT * FROM queen.pop_partition_v3(
                    c.partition_id, v_pname, p_queue, p_group, v_budget, p_lease, v_lease_secs,
                    v_queue.delayed_processing, p_auto_ack, p_sub_mode, p_sub_from, '',
                    CASE WHEN p_auto_ack AND v_queue.delayed_processing = 0 THEN v_newest END,
                    CASE WHEN p_auto_ack AND v_queue.delayed_processing = 0 THEN v_newest_id END,
                    p_max_bytes);
                GET DIAGNOSTICS v_n = ROW_COUNT;
            ELSE
                -- several partitions share the byte limit: count what each one gave (row by
                -- row, which only multi-partition pops pay for)
                v_n := 0;
                FOR got IN SELECT * FROM queen.pop_partition_v3(
                    c.partition_id, v_pname, p_queue, p_group, v_budget, p_lease, v_lease_secs,
                    v_queue.delayed_processing, p_auto_ack, p_sub_mode, p_sub_from, '',
                    CASE WHEN p_auto_ack AND v_queue.delayed_processing = 0 THEN v_newest END,
                    CASE WHEN p_auto_ack AND v_queue.delayed_processing = 0 THEN v_newest_id END,
                    v_bytes_left)
                LOOP
                    r_status := got.r_status;
                    r_partition_id := got.r_partition_id;
                    r_partition := got.r_partition;
                    r_id := got.r_id;
                    r_txn := got.r_txn;
                    r_trace := got.r_trace;
                    r_payload := got.r_payload;
                    r_producer := got.r_producer;
                    r_created_at := got.r_created_at;
                    RETURN NEXT;
                    v_n := v_n + 1;
                    v_bytes_left := v_bytes_left - octet_length(got.r_payload);
                END LOOP;
            END IF;
            IF v_n = 0 THEN
                PERFORM queen.ready_settle_v1(c.partition_id, p_group, p_lease, v_queue.delayed_processing);
                CONTINUE;
            END IF;
            v_claimed := v_claimed + 1;
            v_budget := v_budget - v_n;
            IF NOT p_auto_ack THEN
                -- hidden while leased; back by itself if the lease runs out
                UPDATE queen.partition_ready r
                   SET visible_at = now() + make_interval(secs => v_lease_secs)
                 WHERE r.partition_id = c.partition_id AND r.consumer_group = p_group;
            ELSIF v_queue.delayed_processing = 0 THEN
                NULL;  -- settled by pop_partition_v2
            ELSE
                UPDATE queen.partition_ready r SET visible_at = now()
                 WHERE r.partition_id = c.partition_id AND r.consumer_group = p_group;
            END IF;
        END LOOP;
        EXIT WHEN v_round = 0 OR v_budget <= 0 OR v_claimed >= p_max_partitions OR v_bytes_left <= 0;
    END LOOP;

    IF v_claimed = 0 THEN
        r_status := CASE WHEN v_backfilling THEN 'backfill_pending' ELSE 'no_available_partition' END;
        RETURN NEXT;
    END IF;
END;
$fn$;

-- The pop of one HTTP request (specific partition or wildcard).
-- p_partition NULL means "any partition of the queue" (up to p_max_partitions of them,
-- p_batch messages in all). p_sub_mode is 'new' or 'timestamp' (with p_sub_from) for a
-- group that should not start from the beginning, else NULL. A wildcard pop that found
-- nothing while the group's walk over existing partitions is incomplete answers
-- 'backfill_pending': the caller asks again (a new transaction continues the walk).
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
LANGUAGE sql AS $fn$
    SELECT * FROM queen.pop_v2(p_queue, p_partition, p_group, p_batch, p_lease, p_max_partitions,
                               p_auto_ack, p_sub_mode, p_sub_from, NULL)
$fn$;

-- pop_partition_v3 without a byte limit: the signature of earlier builds.
CREATE OR REPLACE FUNCTION queen.pop_partition_v2(
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
    p_meta_partition text,
    p_newest_ts      timestamptz,
    p_newest_id      uuid)
RETURNS TABLE (r_status text, r_partition_id uuid, r_partition text, r_id uuid, r_txn text,
               r_trace uuid, r_payload text, r_producer text, r_created_at timestamptz)
LANGUAGE sql AS $fn$
    SELECT * FROM queen.pop_partition_v3(p_pid, p_pname, p_queue, p_group, p_budget, p_lease,
                                         p_lease_seconds, p_delay_seconds, p_auto_ack, p_sub_mode,
                                         p_sub_from, p_meta_partition, p_newest_ts, p_newest_id, NULL)
$fn$;
