-- Wildcard pop discovery at a cost independent of the number of partitions.
--
-- Before this migration a wildcard pop scanned partition_lookup for every partition of the
-- queue and compared each with the group's cursor: its cost grew with the partitions that
-- were empty, leased or already consumed. Now each (partition, consumer group) that may have
-- messages for a wildcard consumer has a row in partition_ready, and a pop takes the oldest
-- visible rows with FOR UPDATE SKIP LOCKED.
--
-- Who keeps the rows:
--  * push (and requeue) upserts a row for every consumer group registered on the queue;
--  * a group registers on its first wildcard pop (a consumer_watermarks row) and then walks
--    the queue's existing partitions in chunks, a few thousand per pop ("backfill"); a deleted
--    watermark row (seek, subscription change, group deletion, or an operator) makes the
--    group register and walk again, which is how old partitions become visible again;
--  * a pop that leases a partition hides the row until the lease expires (visible_at), so
--    an abandoned lease brings the partition back by itself; whoever ends a lease earlier
--    (ack, failed/retry ack, dead-lettering, an undelivered pop) makes it visible again or,
--    when the group has consumed everything, deletes it.
-- The rows are hints: a pop checks the truth (cursor, lease, messages) and repairs a wrong
-- row. What must never happen is a group having messages in a partition without a row; the
-- rules that keep that true:
--  * Lock order everywhere: partitions (push), then partition_ready rows, then
--    partition_consumers rows. Pops take ready rows with SKIP LOCKED and never wait for one.
--  * A row is deleted only by someone holding its lock who read the messages (or the
--    lookup) after taking it. A push locks the row of every group (the upsert) before it
--    commits, so it either waits for that delete and inserts the row again, or commits first
--    and its messages are seen.
--  * Registration takes the queue's advisory lock exclusively; pushes hold it shared from
--    their upsert until commit. A push that committed before a registration is found by the
--    backfill; one after it upserts the group's row.

CREATE TABLE IF NOT EXISTS queen.partition_ready (
    partition_id   uuid NOT NULL REFERENCES queen.partitions(id) ON DELETE CASCADE,
    consumer_group text NOT NULL,
    queue_id       uuid NOT NULL,
    -- when a pop may look at the partition next: now for fresh work, the lease expiry while
    -- leased, the end of a window buffer or delay
    visible_at     timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (partition_id, consumer_group)
) WITH (fillfactor = 70, autovacuum_vacuum_scale_factor = 0.01, autovacuum_vacuum_cost_delay = 0);
CREATE INDEX IF NOT EXISTS idx_partition_ready_claim
    ON queen.partition_ready (consumer_group, queue_id, visible_at);

-- A group's cursors, for the walk of a group that subscribed "from now" (see ready_prepare_v1).
-- consumer_group and partition_id never change, so updates of the row stay HOT.
CREATE INDEX IF NOT EXISTS idx_partition_consumers_group
    ON queen.partition_consumers (consumer_group, partition_id);

-- Where a registered group's walk over the queue's existing partitions is (partition id order);
-- NULL when it is complete. A row inserted by other tools starts a walk from the beginning.
ALTER TABLE queen.consumer_watermarks
    ADD COLUMN IF NOT EXISTS backfill_after uuid DEFAULT '00000000-0000-0000-0000-000000000000';

CREATE OR REPLACE FUNCTION queen.queue_lock_key_v1(p_queue text)
RETURNS bigint
LANGUAGE sql IMMUTABLE AS $fn$
    SELECT hashtextextended('queen.ready/' || p_queue, 0)
$fn$;

-- A consumer group's changes to where it reads (seek to a timestamp, subscription change,
-- deletion) hold this advisory lock exclusively; a group's registration on a queue holds it
-- shared. See ConsumerGroupAdmin.
CREATE OR REPLACE FUNCTION queen.group_lock_key_v1(p_group text)
RETURNS bigint
LANGUAGE sql IMMUTABLE AS $fn$
    SELECT hashtextextended('queen.group/' || p_group, 0)
$fn$;

-- Makes the given partitions ready for every consumer group registered on their queues.
-- Called by writers of messages after their partitions are locked; the shared advisory lock
-- is held until commit (see the header on registration).
CREATE OR REPLACE FUNCTION queen.ready_fan_out_v1(p_pids uuid[])
RETURNS void
LANGUAGE plpgsql AS $fn$
BEGIN
    PERFORM pg_advisory_xact_lock_shared(queen.queue_lock_key_v1(n.name))
       FROM (SELECT DISTINCT q.name
               FROM queen.partitions pt JOIN queen.queues q ON q.id = pt.queue_id
              WHERE pt.id = ANY (p_pids)
              ORDER BY q.name) n;
    -- a leased partition stays hidden until its lease ends; a row hidden longer than that
    -- (its lease was given back) becomes visible
    INSERT INTO queen.partition_ready AS r (partition_id, consumer_group, queue_id, visible_at)
    SELECT pt.id, w.consumer_group, pt.queue_id,
           coalesce((SELECT pc.lease_expires_at FROM queen.partition_consumers pc
                      WHERE pc.partition_id = pt.id AND pc.consumer_group = w.consumer_group
                        AND pc.lease_expires_at > now()), now())
      FROM queen.partitions pt
      JOIN queen.queues q ON q.id = pt.queue_id
      JOIN queen.consumer_watermarks w ON w.queue_name = q.name
     WHERE pt.id = ANY (p_pids)
     ORDER BY pt.id, w.consumer_group
    ON CONFLICT (partition_id, consumer_group) DO UPDATE
       SET visible_at = EXCLUDED.visible_at
     WHERE r.visible_at > EXCLUDED.visible_at;
END;
$fn$;

-- After a lease of (partition, group) ended, or a pop auto-acked from it: the partition goes to
-- the back of the line if the group has messages after its cursor there, else its row goes.
-- The caller holds the rows' locks.
CREATE OR REPLACE FUNCTION queen.ready_after_release_v1(p_pids uuid[], p_group text)
RETURNS void
LANGUAGE plpgsql AS $fn$
BEGIN
    -- key lookups only (see pop_v1 on joins planned once per session)
    DELETE FROM queen.partition_ready r
     WHERE r.partition_id = ANY (p_pids) AND r.consumer_group = p_group
       AND coalesce((SELECT coalesce((SELECT (pl.last_message_created_at, pl.last_message_id)
                                               <= (pc.last_consumed_created_at, pc.last_consumed_id)
                                        FROM queen.partition_lookup pl
                                       WHERE pl.partition_id = r.partition_id), true)
                       FROM queen.partition_consumers pc
                      WHERE pc.partition_id = r.partition_id AND pc.consumer_group = p_group
                        AND pc.last_consumed_created_at IS NOT NULL), false);
    -- to the back of the line
    UPDATE queen.partition_ready r
       SET visible_at = now()
     WHERE r.partition_id = ANY (p_pids) AND r.consumer_group = p_group AND r.visible_at <> now();
END;
$fn$;

-- Registers a group's wildcard consumption of a queue on its first pop and walks part of the
-- queue's existing partitions into the ready set when few rows are visible. Returns true while
-- the walk is incomplete. Called before the pop takes any ready row, so waiting here for a row
-- lock cannot close a cycle with another pop.
CREATE OR REPLACE FUNCTION queen.ready_prepare_v1(
    p_queue_id  uuid,
    p_queue     text,
    p_group     text,
    p_sub_mode  text,
    p_sub_from  timestamptz,
    p_want      integer)
RETURNS boolean
LANGUAGE plpgsql AS $fn$
#variable_conflict use_column
DECLARE
    -- the first step is small, so that a first pop answers quickly; later ones grow
    v_chunk    integer := 256;
    c_max_scan constant integer := 20000;
    -- keep at least this many rows visible while walking, so concurrent consumers find work
    -- and steps (which consumers wait for, see below) are few
    c_low      constant integer := 256;
    v_after    uuid;
    v_fresh    timestamptz;
    v_start    timestamptz;
    v_scanned  integer := 0;
    v_added    integer := 0;
    v_n        integer;
    v_m        integer;
    v_last     uuid;
BEGIN
    SELECT w.backfill_after INTO v_after
      FROM queen.consumer_watermarks w
     WHERE w.queue_name = p_queue AND w.consumer_group = p_group;
    IF NOT FOUND THEN
        -- waits for a seek, subscription change or deletion of the group in progress (they take
        -- this lock exclusively, see queen.group_lock_key_v1), which would otherwise not see
        -- this registration and leave it walking with the cursors from before
        PERFORM pg_advisory_xact_lock_shared(queen.group_lock_key_v1(p_group));
        -- waits for pushes in flight on the queue; pushes after this see the registration
        PERFORM pg_advisory_xact_lock(queen.queue_lock_key_v1(p_queue));
        v_after := '00000000-0000-0000-0000-000000000000';
        IF p_group <> '__QUEUE_MODE__' AND p_sub_mode IS NOT NULL THEN
            -- taken after the lock: every message committed before it is older
            INSERT INTO queen.consumer_groups_metadata
                   (consumer_group, queue_name, partition_name, subscription_mode, subscription_timestamp)
            VALUES (p_group, p_queue, '', p_sub_mode, coalesce(p_sub_from, clock_timestamp()))
            ON CONFLICT DO NOTHING
            RETURNING subscription_timestamp INTO v_fresh;
        END IF;
        IF v_fresh IS NOT NULL AND p_sub_from IS NULL THEN
            -- a new "from now" subscription: a partition without a cursor of this group holds
            -- only older messages, so only the group's cursors (none, for a new group) can
            -- have anything after them; no walk over the queue
            INSERT INTO queen.partition_ready AS r (partition_id, consumer_group, queue_id, visible_at)
            SELECT pc.partition_id, p_group, p_queue_id,
                   CASE WHEN pc.lease_expires_at > now() THEN pc.lease_expires_at ELSE now() END
              FROM queen.partition_consumers pc
              JOIN queen.partitions pt ON pt.id = pc.partition_id AND pt.queue_id = p_queue_id
              JOIN queen.partition_lookup pl ON pl.partition_id = pc.partition_id
             WHERE pc.consumer_group = p_group
               AND (pc.last_consumed_created_at IS NULL
                    OR (pl.last_message_created_at, pl.last_message_id)
                       > (pc.last_consumed_created_at, pc.last_consumed_id))
             ORDER BY pc.partition_id
            ON CONFLICT (partition_id, consumer_group) DO UPDATE
               SET visible_at = EXCLUDED.visible_at
             WHERE r.visible_at > EXCLUDED.visible_at;
            v_after := NULL;
        END IF;
        INSERT INTO queen.consumer_watermarks AS w
               (queue_name, consumer_group, last_empty_scan_at, updated_at, backfill_after)
        VALUES (p_queue, p_group, 'epoch', now(), v_after)
        ON CONFLICT (queue_name, consumer_group) DO NOTHING;
    END IF;
    IF v_after IS NULL THEN
        RETURN false;
    END IF;
    IF (SELECT count(*) FROM (
            SELECT 1 FROM queen.partition_ready r
             WHERE r.consumer_group = p_group AND r.queue_id = p_queue_id AND r.visible_at <= now()
             LIMIT p_want + c_low) visible) >= p_want + c_low THEN
        RETURN true;
    END IF;
    -- one walker per (queue, group). The others wait for its step and take what it added:
    -- answering "nothing yet" instead would send them round again at once, each round a
    -- database call, and a consumer would see an empty answer from a queue full of messages
    IF NOT pg_try_advisory_xact_lock(hashtextextended('queen.backfill/' || p_queue || '/' || p_group, 0)) THEN
        PERFORM pg_advisory_xact_lock(hashtextextended('queen.backfill/' || p_queue || '/' || p_group, 0));
        IF EXISTS (SELECT 1 FROM queen.partition_ready r
                    WHERE r.consumer_group = p_group AND r.queue_id = p_queue_id AND r.visible_at <= now()) THEN
            RETURN true;
        END IF;
    END IF;
    -- locked until commit: a seek or deletion that removes the row (to make the group walk
    -- again) waits for this step, instead of this step writing its position into the row of
    -- the walk that follows
    SELECT w.backfill_after INTO v_after
      FROM queen.consumer_watermarks w
     WHERE w.queue_name = p_queue AND w.consumer_group = p_group
       FOR NO KEY UPDATE;
    IF v_after IS NULL THEN
        RETURN false;
    END IF;
    -- where a partition without a cursor starts for this group (spec 1.10)
    SELECT min(m.subscription_timestamp) INTO v_start
      FROM queen.consumer_groups_metadata m
     WHERE m.consumer_group = p_group AND m.queue_name = p_queue AND m.namespace = '' AND m.task = '';

    LOOP
        WITH chunk AS (
            SELECT pl.partition_id, pl.last_message_created_at AS ts, pl.last_message_id AS id
              FROM queen.partition_lookup pl
             WHERE pl.queue_name = p_queue AND pl.partition_id > v_after
             ORDER BY pl.partition_id
             LIMIT v_chunk
        ), pending AS (
            -- in line by their newest message, as if each had been pushed with the group there
            SELECT chunk.partition_id,
                   CASE WHEN pc.lease_expires_at > now() THEN pc.lease_expires_at
                        ELSE least(chunk.ts, now()) END AS visible_at
              FROM chunk
              LEFT JOIN queen.partition_consumers pc
                     ON pc.partition_id = chunk.partition_id AND pc.consumer_group = p_group
             WHERE CASE WHEN pc.last_consumed_created_at IS NOT NULL
                        THEN (chunk.ts, chunk.id) > (pc.last_consumed_created_at, pc.last_consumed_id)
                        ELSE v_start IS NULL OR chunk.ts > v_start END
        ), added AS (
            INSERT INTO queen.partition_ready AS r (partition_id, consumer_group, queue_id, visible_at)
            SELECT pending.partition_id, p_group, p_queue_id, pending.visible_at
              FROM pending
             ORDER BY pending.partition_id
            ON CONFLICT (partition_id, consumer_group) DO UPDATE
               SET visible_at = EXCLUDED.visible_at
             WHERE r.visible_at > EXCLUDED.visible_at
            RETURNING 1
        )
        SELECT (SELECT count(*) FROM chunk),
               (SELECT chunk.partition_id FROM chunk ORDER BY chunk.partition_id DESC LIMIT 1),
               (SELECT count(*) FROM added)
          INTO v_n, v_last, v_m;
        v_scanned := v_scanned + v_n;
        v_added := v_added + v_m;
        v_after := CASE WHEN v_n < v_chunk THEN NULL ELSE v_last END;
        -- enough to keep concurrent consumers busy, or at least this pop's share when rows
        -- with messages are sparse
        EXIT WHEN v_after IS NULL OR v_added >= p_want + c_low OR v_scanned >= c_max_scan
                  OR (v_added >= p_want AND v_scanned >= 2048);
        v_chunk := least(v_chunk * 2, 4096);
    END LOOP;

    UPDATE queen.consumer_watermarks
       SET backfill_after = v_after, updated_at = now()
     WHERE queue_name = p_queue AND consumer_group = p_group;
    RETURN v_after IS NOT NULL;
END;
$fn$;

-- Settles the ready row of a partition a wildcard pop visited and got nothing from. The pop
-- holds the row's lock and read the messages after taking it.
CREATE OR REPLACE FUNCTION queen.ready_settle_v1(p_pid uuid, p_group text, p_lease uuid, p_delay_seconds integer)
RETURNS void
LANGUAGE plpgsql AS $fn$
DECLARE
    v_pc   record;
    v_next timestamptz;
BEGIN
    SELECT pc.lease_expires_at, pc.worker_id, pc.last_consumed_created_at, pc.last_consumed_id INTO v_pc
      FROM queen.partition_consumers pc
     WHERE pc.partition_id = p_pid AND pc.consumer_group = p_group;
    IF v_pc.lease_expires_at > now() AND v_pc.worker_id IS DISTINCT FROM p_lease THEN
        -- another consumer holds it: look again when its lease ends
        UPDATE queen.partition_ready SET visible_at = v_pc.lease_expires_at
         WHERE partition_id = p_pid AND consumer_group = p_group;
        RETURN;
    END IF;
    IF p_delay_seconds > 0 THEN
        SELECT m.created_at + make_interval(secs => p_delay_seconds) INTO v_next
          FROM queen.messages m
         WHERE m.partition_id = p_pid
           AND (m.created_at, m.id) > (coalesce(v_pc.last_consumed_created_at, '-infinity'::timestamptz),
                                       coalesce(v_pc.last_consumed_id, '00000000-0000-0000-0000-000000000000'))
         ORDER BY m.created_at, m.id
         LIMIT 1;
        IF v_next IS NOT NULL THEN
            UPDATE queen.partition_ready SET visible_at = greatest(v_next, now())
             WHERE partition_id = p_pid AND consumer_group = p_group;
            RETURN;
        END IF;
    END IF;
    DELETE FROM queen.partition_ready WHERE partition_id = p_pid AND consumer_group = p_group;
END;
$fn$;

-- Push: as in V002, plus step 4 (the ready rows of registered groups).
CREATE OR REPLACE FUNCTION queen.push_batch_v1(
    p_queue     text[],
    p_partition text[],
    p_txn       text[],
    p_id        uuid[],
    p_payload   text[],
    p_trace     uuid[],
    p_producer  text[])
RETURNS TABLE (idx integer, status text, message_id uuid, partition_id uuid,
               trace_id uuid, transaction_id text, queue_name text)
LANGUAGE plpgsql AS $fn$
#variable_conflict use_column
DECLARE
    v_ts      timestamptz;
    v_locked  integer;
    v_pids    uuid[];
BEGIN
    PERFORM queen.plan_for_batch_v1(cardinality(p_queue));

    -- 1. serialise pushes per partition (see header); id order avoids deadlocks
    SELECT count(*), array_agg(locked.id) INTO v_locked, v_pids FROM (
        SELECT pt.id
          FROM queen.partitions pt
          JOIN queen.queues q ON q.id = pt.queue_id
          JOIN (SELECT DISTINCT u.q, u.p FROM unnest(p_queue, p_partition) AS u(q, p)) n
            ON n.q = q.name AND n.p = pt.name
         ORDER BY pt.id
           FOR NO KEY UPDATE OF pt) locked;

    -- 2. first push to a queue or partition: create it (then lock it like the others)
    IF v_locked < (SELECT count(*) FROM (SELECT DISTINCT u.q, u.p FROM unnest(p_queue, p_partition) AS u(q, p)) n) THEN
        INSERT INTO queen.queues (name, namespace, task)
        SELECT n.q, split_part(n.q, '.', 1),
               CASE WHEN strpos(n.q, '.') > 0 THEN split_part(n.q, '.', 2) ELSE '' END
          FROM (SELECT DISTINCT u.q FROM unnest(p_queue) AS u(q)) n
         ORDER BY n.q
        ON CONFLICT (name) DO NOTHING;

        INSERT INTO queen.partitions (queue_id, name)
        SELECT q.id, n.p
          FROM (SELECT DISTINCT u.q, u.p FROM unnest(p_queue, p_partition) AS u(q, p)) n
          JOIN queen.queues q ON q.name = n.q
         ORDER BY q.id, n.p
        ON CONFLICT (queue_id, name) DO NOTHING;

        SELECT array_agg(locked.id) INTO v_pids FROM (
        SELECT pt.id
           FROM queen.partitions pt
           JOIN queen.queues q ON q.id = pt.queue_id
           JOIN (SELECT DISTINCT u.q, u.p FROM unnest(p_queue, p_partition) AS u(q, p)) n
             ON n.q = q.name AND n.p = pt.name
          ORDER BY pt.id
            FOR NO KEY UPDATE OF pt) locked;
    END IF;

    v_ts := clock_timestamp();

    -- 3. insert first occurrences, skip stored duplicates, move partition_lookup forward and
    --    answer every item. The partitions are locked, so this statement's snapshot already
    --    holds every message that could conflict.
    RETURN QUERY
    WITH input AS (
        SELECT (u.ord - 1)::integer AS i, u.q, u.p, u.t, u.id, u.payload, u.trace, u.producer
          FROM unnest(p_queue, p_partition, p_txn, p_id, p_payload, p_trace, p_producer)
               WITH ORDINALITY AS u(q, p, t, id, payload, trace, producer, ord)
    ), resolved AS (
        -- joins below are written as per-row index lookups and hashed IN lists: cached plans
        -- expect few rows, and a plain join between two intermediate results would then be
        -- compared row by row against each other
        SELECT input.*, target.pid,
               first_value(input.id) OVER (PARTITION BY target.pid, input.t ORDER BY input.i) AS first_id
          FROM input
          CROSS JOIN LATERAL (
                SELECT pt.id AS pid
                  FROM queen.queues q JOIN queen.partitions pt ON pt.queue_id = q.id
                 WHERE q.name = input.q AND pt.name = input.p) target
    ), inserted AS (
        INSERT INTO queen.messages (id, transaction_id, partition_id, payload, trace_id,
                                    created_at, producer_sub)
        SELECT r.id, r.t, r.pid, r.payload::jsonb, r.trace, v_ts, nullif(r.producer, '')
          FROM resolved r
         WHERE r.id = r.first_id
         ORDER BY r.i
        ON CONFLICT (partition_id, transaction_id) DO NOTHING
        RETURNING id, partition_id
    ), lookup AS (
        INSERT INTO queen.partition_lookup AS pl
               (queue_name, partition_id, last_message_id, last_message_created_at, updated_at)
        SELECT q.name, n.partition_id, n.id, v_ts, now()
          FROM (SELECT DISTINCT ON (ins.partition_id) ins.partition_id, ins.id
                  FROM inserted ins
                 ORDER BY ins.partition_id, ins.id DESC) n
          JOIN queen.partitions pt ON pt.id = n.partition_id
          JOIN queen.queues q ON q.id = pt.queue_id
         ORDER BY n.partition_id
        ON CONFLICT (queue_name, partition_id) DO UPDATE
           SET last_message_id = CASE
                   WHEN (EXCLUDED.last_message_created_at, EXCLUDED.last_message_id)
                        > (pl.last_message_created_at, pl.last_message_id)
                   THEN EXCLUDED.last_message_id ELSE pl.last_message_id END,
               last_message_created_at = GREATEST(pl.last_message_created_at,
                                                  EXCLUDED.last_message_created_at),
               updated_at = now()
    ), outcome AS (
        SELECT r.*, r.first_id IN (SELECT ins.id FROM inserted ins) AS first_inserted
          FROM resolved r
    )
    SELECT o.i,
           CASE WHEN o.first_inserted AND o.id = o.first_id THEN 'queued' ELSE 'duplicate' END,
           CASE WHEN o.first_inserted THEN o.first_id ELSE stored.id END,
           o.pid, o.trace, o.t, o.q
      FROM outcome o
      -- only a duplicate of an earlier push needs a look at the stored messages
      LEFT JOIN LATERAL (
            SELECT m.id FROM queen.messages m
             WHERE NOT o.first_inserted AND m.partition_id = o.pid AND m.transaction_id = o.t) stored ON true
     ORDER BY o.i;

    -- 4. wildcard consumer groups of these queues find the partitions
    PERFORM queen.ready_fan_out_v1(v_pids);

    -- 5. the statistics job's work list (V011)
    PERFORM queen.stats_mark_dirty_v1(v_pids);
END;
$fn$;


-- Pop of one partition: as in V003, without seeding a consumer row for every partition of the
-- queue when a group's subscription is recorded. The subscription row alone places every
-- partition without a cursor, and the seeding was work proportional to the partition count.
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
LANGUAGE plpgsql AS $fn$
#variable_conflict use_column
DECLARE
    v_queue       record;
    v_pid         uuid;
    v_newest      timestamptz;
    v_lease_secs  integer;
    v_budget      integer := p_batch;
    v_claimed     integer := 0;
    v_n           integer;
    v_backfilling boolean;
    v_round       integer;
    v_seen        uuid[] := '{}';
    v_pname       text;
    c             record;
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
            EXIT WHEN v_budget <= 0;
            v_pname := (SELECT pt.name FROM queen.partitions pt WHERE pt.id = c.partition_id);
            v_newest := (SELECT pl.last_message_created_at FROM queen.partition_lookup pl
                          WHERE pl.partition_id = c.partition_id);
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
            RETURN QUERY SELECT * FROM queen.pop_partition_v1(
                c.partition_id, v_pname, p_queue, p_group, v_budget, p_lease, v_lease_secs,
                v_queue.delayed_processing, p_auto_ack, p_sub_mode, p_sub_from, '');
            GET DIAGNOSTICS v_n = ROW_COUNT;
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
                -- auto-acked: to the back of the line, or gone when the cursor reached the end
                PERFORM queen.ready_after_release_v1(ARRAY[c.partition_id], p_group);
            ELSE
                UPDATE queen.partition_ready r SET visible_at = now()
                 WHERE r.partition_id = c.partition_id AND r.consumer_group = p_group;
            END IF;
        END LOOP;
        EXIT WHEN v_round = 0 OR v_budget <= 0 OR v_claimed >= p_max_partitions;
    END LOOP;

    IF v_claimed = 0 THEN
        r_status := CASE WHEN v_backfilling THEN 'backfill_pending' ELSE 'no_available_partition' END;
        RETURN NEXT;
    END IF;
END;
$fn$;

-- Ends the leases of (partition, group) rows whose delivered batch is now fully
-- acknowledged (acked_count reached batch_size), and returns their partitions. With
-- p_unbatched also rows that had no batch at all (batch_size 0). The caller holds the
-- partitions' ready rows (lock order: ready rows, then consumer rows).
CREATE OR REPLACE FUNCTION queen.release_acked_leases_v1(p_pids uuid[], p_group text, p_unbatched boolean)
RETURNS uuid[]
LANGUAGE plpgsql AS $fn$
DECLARE
    v_released uuid[];
BEGIN
    WITH released AS (
        UPDATE queen.partition_consumers pc
           SET lease_expires_at = NULL, lease_acquired_at = NULL, worker_id = NULL,
               batch_size = 0, acked_count = 0, batch_retry_count = 0
         WHERE pc.partition_id = ANY (p_pids) AND pc.consumer_group = p_group
           AND pc.acked_count >= pc.batch_size AND (pc.batch_size > 0 OR p_unbatched)
        RETURNING pc.partition_id
    )
    SELECT coalesce(array_agg(released.partition_id), '{}') INTO v_released FROM released;
    PERFORM queen.ready_after_release_v1(p_pids, p_group);
    RETURN v_released;
END;
$fn$;

-- Acks: as in V004, taking the partitions' ready rows first and making a partition whose lease
-- ended visible again (or dropping its ready row when the group has read it all).
CREATE OR REPLACE FUNCTION queen.ack_batch_v1(
    p_txn    text[],
    p_pid    uuid[],
    p_status text[],
    p_lease  uuid[],
    p_error  text[],
    p_group  text)
RETURNS TABLE (idx integer, transaction_id text, success boolean, error text, queue_name text,
               partition_name text, lease_released boolean, dlq boolean)
LANGUAGE plpgsql AS $fn$
#variable_conflict use_column
DECLARE
    v_items    queen.ack_item[];
    v_released uuid[];
    v_touched  uuid[];
    v_pc       record;
    v_now_released boolean;
    r          queen.ack_item;
BEGIN
    PERFORM queen.plan_for_batch_v1(cardinality(p_txn));
    -- serialise with other acks and pops of the same (partition, group); id order avoids
    -- deadlocks, ready rows before consumer rows (the order of wildcard pops)
    PERFORM 1 FROM queen.partition_ready r
     WHERE r.partition_id IN (SELECT DISTINCT u FROM unnest(p_pid) u) AND r.consumer_group = p_group
     ORDER BY r.partition_id
       FOR UPDATE;
    PERFORM 1 FROM queen.partition_consumers pc
     WHERE pc.partition_id IN (SELECT DISTINCT u FROM unnest(p_pid) u) AND pc.consumer_group = p_group
     ORDER BY pc.partition_id
       FOR UPDATE;

    SELECT array_agg(ROW(x.i::integer, x.t, x.pid, x.st, x.lease, x.err, m.id, m.created_at, q.name, pt.name,
                         q.retry_limit,
                         m.id IS NOT NULL AND x.st IN ('completed', 'success', 'failed', 'dlq', 'retry')
                             AND (x.lease IS NULL OR lv.ok),
                         CASE WHEN m.id IS NULL THEN 'Message not found'
                              WHEN x.lease IS NOT NULL AND NOT lv.ok THEN 'Invalid or expired lease'
                         END)::queen.ack_item
                     ORDER BY x.pid, m.created_at, m.id, x.i)
      INTO v_items
      FROM unnest(p_txn, p_pid, p_status, p_lease, p_error) WITH ORDINALITY AS x(t, pid, st, lease, err, i)
      LEFT JOIN queen.messages m ON m.partition_id = x.pid AND m.transaction_id = x.t
      LEFT JOIN queen.partitions pt ON pt.id = m.partition_id
      LEFT JOIN queen.queues q ON q.id = pt.queue_id
      LEFT JOIN LATERAL (
            SELECT EXISTS (SELECT 1 FROM queen.partition_consumers pc
                            WHERE pc.partition_id = x.pid AND pc.consumer_group = p_group
                              AND pc.worker_id = x.lease AND pc.lease_expires_at > now()) AS ok
      ) lv ON true;

    -- successful acks: move each partition's cursor to its newest acked message
    WITH done AS (
        SELECT it.pid, count(*)::integer AS k,
               (array_agg(it.mts ORDER BY it.mts DESC, it.mid DESC))[1] AS last_ts,
               (array_agg(it.mid ORDER BY it.mts DESC, it.mid DESC))[1] AS last_id
          FROM unnest(v_items) it
         WHERE it.ok AND it.status IN ('completed', 'success')
         GROUP BY it.pid
    ), log AS (
        INSERT INTO queen.messages_consumed (partition_id, consumer_group, messages_completed)
        SELECT done.pid, p_group, done.k FROM done
    ), upd AS (
        INSERT INTO queen.partition_consumers AS pc
               (partition_id, consumer_group, last_consumed_created_at, last_consumed_id,
                last_consumed_at, total_messages_consumed)
        SELECT done.pid, p_group, done.last_ts, done.last_id, now(), done.k FROM done
         ORDER BY done.pid
        ON CONFLICT (partition_id, consumer_group) DO UPDATE SET
            last_consumed_created_at = CASE
                WHEN pc.last_consumed_created_at IS NULL
                  OR (EXCLUDED.last_consumed_created_at, EXCLUDED.last_consumed_id)
                     > (pc.last_consumed_created_at, pc.last_consumed_id)
                THEN EXCLUDED.last_consumed_created_at ELSE pc.last_consumed_created_at END,
            last_consumed_id = CASE
                WHEN pc.last_consumed_created_at IS NULL
                  OR (EXCLUDED.last_consumed_created_at, EXCLUDED.last_consumed_id)
                     > (pc.last_consumed_created_at, pc.last_consumed_id)
                THEN EXCLUDED.last_consumed_id ELSE pc.last_consumed_id END,
            last_consumed_at = now(),
            -- EXCLUDED.total_messages_consumed is the number acknowledged now
            total_messages_consumed = pc.total_messages_consumed + EXCLUDED.total_messages_consumed,
            acked_count = pc.acked_count + EXCLUDED.total_messages_consumed
        RETURNING pc.partition_id
    )
    SELECT coalesce(array_agg(upd.partition_id), '{}') INTO v_touched FROM upd;
    v_released := queen.release_acked_leases_v1(v_touched, p_group, false);

    RETURN QUERY
    SELECT it.i - 1, it.txn, it.ok, it.reason, it.qname, it.pname,
           CASE WHEN it.ok THEN it.pid = ANY (v_released) END, false
      FROM unnest(v_items) it
     WHERE NOT it.ok OR it.status IN ('completed', 'success');

    FOR r IN SELECT * FROM unnest(v_items) it WHERE it.ok AND it.status IN ('failed', 'dlq', 'retry') LOOP
        SELECT pc.worker_id, pc.batch_retry_count INTO v_pc
          FROM queen.partition_consumers pc
         WHERE pc.partition_id = r.pid AND pc.consumer_group = p_group;

        IF r.status = 'retry'
           OR (r.status = 'failed' AND coalesce(v_pc.batch_retry_count, 0) < r.retry_limit) THEN
            -- give the whole unacked remainder back; a failed ack counts once per lease
            UPDATE queen.partition_consumers
               SET lease_expires_at = NULL, lease_acquired_at = NULL, worker_id = NULL,
                   batch_size = 0, acked_count = 0,
                   batch_retry_count = batch_retry_count
                       + CASE WHEN r.status = 'failed' AND worker_id IS NOT NULL THEN 1 ELSE 0 END
             WHERE partition_id = r.pid AND consumer_group = p_group;
            PERFORM queen.ready_after_release_v1(ARRAY[r.pid], p_group);
            idx := r.i - 1; transaction_id := r.txn; success := true; error := NULL;
            queue_name := r.qname; partition_name := r.pname; lease_released := true; dlq := false;
            RETURN NEXT;
        ELSE
            INSERT INTO queen.dead_letter_queue
                   (message_id, partition_id, consumer_group, error_message, retry_count, original_created_at)
            VALUES (r.mid, r.pid, p_group, coalesce(nullif(r.err, ''), 'Retries exhausted'),
                    coalesce(v_pc.batch_retry_count, 0), r.mts);
            INSERT INTO queen.messages_consumed (partition_id, consumer_group, messages_failed)
            VALUES (r.pid, p_group, 1);
            INSERT INTO queen.partition_consumers AS pc
                   (partition_id, consumer_group, last_consumed_created_at, last_consumed_id, last_consumed_at)
            VALUES (r.pid, p_group, r.mts, r.mid, now())
            ON CONFLICT (partition_id, consumer_group) DO UPDATE SET
                last_consumed_created_at = CASE WHEN pc.last_consumed_created_at IS NULL
                      OR (r.mts, r.mid) > (pc.last_consumed_created_at, pc.last_consumed_id)
                    THEN r.mts ELSE pc.last_consumed_created_at END,
                last_consumed_id = CASE WHEN pc.last_consumed_created_at IS NULL
                      OR (r.mts, r.mid) > (pc.last_consumed_created_at, pc.last_consumed_id)
                    THEN r.mid ELSE pc.last_consumed_id END,
                last_consumed_at = now(),
                batch_retry_count = 0,
                acked_count = pc.acked_count + 1;
            v_now_released := cardinality(queen.release_acked_leases_v1(ARRAY[r.pid], p_group, false)) > 0;
            idx := r.i - 1; transaction_id := r.txn; success := true; error := NULL;
            queue_name := r.qname; partition_name := r.pname; lease_released := v_now_released; dlq := true;
            RETURN NEXT;
        END IF;
    END LOOP;
END;
$fn$;

CREATE OR REPLACE FUNCTION queen.transaction_ack_v1(
    p_txn    text,
    p_pid    uuid,
    p_group  text,
    p_lease  uuid,
    p_status text,
    p_error  text)
RETURNS boolean  -- true when the message went to the dead-letter queue
LANGUAGE plpgsql AS $fn$
#variable_conflict use_column
DECLARE
    v_mid uuid;
    v_mts timestamptz;
    v_dlq boolean;
BEGIN
    IF p_status NOT IN ('completed', 'success', 'failed', 'dlq') THEN
        RAISE EXCEPTION 'ACK operation failed: unknown status %', p_status;
    END IF;
    SELECT m.id, m.created_at INTO v_mid, v_mts
      FROM queen.messages m WHERE m.partition_id = p_pid AND m.transaction_id = p_txn;
    IF v_mid IS NULL THEN
        RAISE EXCEPTION 'ACK operation failed: Message not found (transactionId %)', p_txn;
    END IF;
    PERFORM 1 FROM queen.partition_ready r
     WHERE r.partition_id = p_pid AND r.consumer_group = p_group FOR UPDATE;
    PERFORM 1 FROM queen.partition_consumers pc
     WHERE pc.partition_id = p_pid AND pc.consumer_group = p_group FOR UPDATE;
    IF p_lease IS NOT NULL AND NOT EXISTS (
        SELECT 1 FROM queen.partition_consumers pc
         WHERE pc.partition_id = p_pid AND pc.consumer_group = p_group
           AND pc.worker_id = p_lease AND pc.lease_expires_at > now()) THEN
        RAISE EXCEPTION 'ACK operation failed: Invalid or expired lease';
    END IF;
    v_dlq := p_status IN ('failed', 'dlq');
    IF v_dlq THEN
        INSERT INTO queen.dead_letter_queue
               (message_id, partition_id, consumer_group, error_message, retry_count, original_created_at)
        VALUES (v_mid, p_pid, p_group, coalesce(nullif(p_error, ''), 'Unknown error'), 0, v_mts);
    END IF;
    INSERT INTO queen.messages_consumed (partition_id, consumer_group, messages_completed, messages_failed)
    VALUES (p_pid, p_group, CASE WHEN v_dlq THEN 0 ELSE 1 END, CASE WHEN v_dlq THEN 1 ELSE 0 END);
    INSERT INTO queen.partition_consumers AS pc
           (partition_id, consumer_group, last_consumed_created_at, last_consumed_id, last_consumed_at,
            total_messages_consumed)
    VALUES (p_pid, p_group, v_mts, v_mid, now(), 1)
    ON CONFLICT (partition_id, consumer_group) DO UPDATE SET
        last_consumed_created_at = CASE WHEN pc.last_consumed_created_at IS NULL
              OR (v_mts, v_mid) > (pc.last_consumed_created_at, pc.last_consumed_id)
            THEN v_mts ELSE pc.last_consumed_created_at END,
        last_consumed_id = CASE WHEN pc.last_consumed_created_at IS NULL
              OR (v_mts, v_mid) > (pc.last_consumed_created_at, pc.last_consumed_id)
            THEN v_mid ELSE pc.last_consumed_id END,
        last_consumed_at = now(),
        total_messages_consumed = pc.total_messages_consumed + 1,
        acked_count = pc.acked_count + 1;
    IF v_dlq THEN
        -- a dead-lettered message ends the lease whatever was delivered with it
        UPDATE queen.partition_consumers
           SET lease_expires_at = NULL, lease_acquired_at = NULL, worker_id = NULL,
               batch_size = 0, acked_count = 0
         WHERE partition_id = p_pid AND consumer_group = p_group;
        PERFORM queen.ready_after_release_v1(ARRAY[p_pid], p_group);
    ELSE
        PERFORM queen.release_acked_leases_v1(ARRAY[p_pid], p_group, true);
    END IF;
    RETURN v_dlq;
END;
$fn$;

-- Moving a message to the DLQ by hand: as in V009, with the ready row locked first and settled
-- when the lease ends.
CREATE OR REPLACE FUNCTION queen.move_to_dlq_v1(p_pid uuid, p_txn text, p_group text, p_error text)
RETURNS TABLE (outcome text, queue_name text, partition_name text, stepped_over boolean, waiting bigint)
LANGUAGE plpgsql AS $fn$
#variable_conflict use_column
DECLARE
    v_queue   text;
    v_part    text;
    v_mid     uuid;
    v_mts     timestamptz;
    v_pc      queen.partition_consumers;
    v_waiting bigint;
BEGIN
    SELECT m.id, m.created_at, q.name, pt.name INTO v_mid, v_mts, v_queue, v_part
      FROM queen.messages m
      JOIN queen.partitions pt ON pt.id = m.partition_id
      JOIN queen.queues q ON q.id = pt.queue_id
     WHERE m.partition_id = p_pid AND m.transaction_id = p_txn;
    IF v_mid IS NULL THEN
        RETURN QUERY SELECT 'not_found', NULL::text, NULL::text, false, 0::bigint;
        RETURN;
    END IF;
    -- the row acks of this group serialise on; a group without one has consumed nothing here
    -- (the row is not created up front: a group's first pop places it per subscription mode)
    PERFORM 1 FROM queen.partition_ready r
     WHERE r.partition_id = p_pid AND r.consumer_group = p_group FOR UPDATE;
    SELECT pc.* INTO v_pc FROM queen.partition_consumers pc
     WHERE pc.partition_id = p_pid AND pc.consumer_group = p_group
       FOR UPDATE;
    IF EXISTS (SELECT 1 FROM queen.dead_letter_queue d WHERE d.message_id = v_mid AND d.consumer_group = p_group) THEN
        RETURN QUERY SELECT 'already', v_queue, v_part, false, 0::bigint;
        RETURN;
    END IF;

    IF v_pc.last_consumed_created_at IS NOT NULL
       AND (v_mts, v_mid) <= (v_pc.last_consumed_created_at, v_pc.last_consumed_id) THEN
        INSERT INTO queen.dead_letter_queue
               (message_id, partition_id, consumer_group, error_message, retry_count, original_created_at)
        VALUES (v_mid, p_pid, p_group, p_error, 0, v_mts);
        RETURN QUERY SELECT 'moved', v_queue, v_part, false, 0::bigint;
        RETURN;
    END IF;

    SELECT count(*) INTO v_waiting FROM queen.messages m
     WHERE m.partition_id = p_pid
       AND (m.created_at, m.id) < (v_mts, v_mid)
       AND (v_pc.last_consumed_created_at IS NULL
            OR (m.created_at, m.id) > (v_pc.last_consumed_created_at, v_pc.last_consumed_id));
    IF v_waiting > 0 THEN
        RETURN QUERY SELECT 'not_next', v_queue, v_part, false, v_waiting;
        RETURN;
    END IF;

    INSERT INTO queen.dead_letter_queue
           (message_id, partition_id, consumer_group, error_message, retry_count, original_created_at)
    VALUES (v_mid, p_pid, p_group, p_error, coalesce(v_pc.batch_retry_count, 0), v_mts);
    INSERT INTO queen.messages_consumed (partition_id, consumer_group, messages_failed)
    VALUES (p_pid, p_group, 1);
    INSERT INTO queen.partition_consumers AS pc
           (partition_id, consumer_group, last_consumed_created_at, last_consumed_id, last_consumed_at)
    VALUES (p_pid, p_group, v_mts, v_mid, now())
    ON CONFLICT (partition_id, consumer_group) DO UPDATE
       SET last_consumed_created_at = v_mts, last_consumed_id = v_mid, last_consumed_at = now(),
           lease_expires_at = NULL, lease_acquired_at = NULL, worker_id = NULL,
           batch_size = 0, acked_count = 0, batch_retry_count = 0;
    PERFORM queen.ready_after_release_v1(ARRAY[p_pid], p_group);
    RETURN QUERY SELECT 'moved', v_queue, v_part, true, 0::bigint;
END;
$fn$;

-- Requeue of a dead letter: as in V009, with the locks in the global order (partition, ready
-- rows, consumer rows) and the copy announced to the wildcard consumer groups like a push.
CREATE OR REPLACE FUNCTION queen.retry_message_v1(p_pid uuid, p_txn text, p_new_id uuid)
RETURNS TABLE (outcome text, queue_name text, partition_name text, message_id uuid, groups text)
LANGUAGE plpgsql AS $fn$
#variable_conflict use_column
DECLARE
    v_queue  text;
    v_part   text;
    v_msg    queen.messages;
    v_ts     timestamptz;
    v_groups text;
BEGIN
    -- the lock a push takes: nothing can be appended between our clock reading and commit,
    -- so the requeued message really is the newest
    SELECT q.name, pt.name INTO v_queue, v_part
      FROM queen.partitions pt JOIN queen.queues q ON q.id = pt.queue_id
     WHERE pt.id = p_pid
       FOR NO KEY UPDATE OF pt;
    -- then, in the global order, the ready rows and the consumer rows (no pop can lease the
    -- original meanwhile)
    PERFORM 1 FROM queen.partition_ready r
     WHERE r.partition_id = p_pid
     ORDER BY r.consumer_group
       FOR UPDATE;
    PERFORM 1 FROM queen.partition_consumers pc
     WHERE pc.partition_id = p_pid
     ORDER BY pc.consumer_group COLLATE "C"
       FOR UPDATE;
    SELECT m.* INTO v_msg FROM queen.messages m WHERE m.partition_id = p_pid AND m.transaction_id = p_txn;
    IF v_msg.id IS NULL THEN
        RETURN QUERY SELECT 'not_found', v_queue, v_part, NULL::uuid, NULL::text;
        RETURN;
    END IF;
    IF NOT EXISTS (SELECT 1 FROM queen.dead_letter_queue d WHERE d.message_id = v_msg.id) THEN
        RETURN QUERY SELECT 'not_dead_lettered', v_queue, v_part, v_msg.id, NULL::text;
        RETURN;
    END IF;

    -- groups past the message, or leasing it: it is among the batch_size - acked_count
    -- messages right after their cursor (the rule of the message status, spec 2.14)
    SELECT string_agg(pc.consumer_group, ', ' ORDER BY pc.consumer_group) INTO v_groups
      FROM queen.partition_consumers pc
     WHERE pc.partition_id = p_pid
       AND NOT EXISTS (SELECT 1 FROM queen.dead_letter_queue d
                        WHERE d.message_id = v_msg.id AND d.consumer_group = pc.consumer_group)
       AND ((pc.last_consumed_created_at IS NOT NULL
             AND (v_msg.created_at, v_msg.id) <= (pc.last_consumed_created_at, pc.last_consumed_id))
            OR (pc.lease_expires_at > now()
                AND (SELECT count(*) FROM (
                         SELECT 1 FROM queen.messages a
                          WHERE a.partition_id = p_pid
                            AND (a.created_at, a.id) > (coalesce(pc.last_consumed_created_at, '-infinity'),
                                                        pc.last_consumed_id)
                            AND (a.created_at, a.id) < (v_msg.created_at, v_msg.id)
                          LIMIT greatest(pc.batch_size - pc.acked_count, 0)) ahead)
                    < greatest(pc.batch_size - pc.acked_count, 0)));
    IF v_groups IS NOT NULL THEN
        RETURN QUERY SELECT 'in_use', v_queue, v_part, v_msg.id, v_groups;
        RETURN;
    END IF;

    v_ts := clock_timestamp();
    -- the old row hands its transaction id to the copy (unique per partition) and then goes,
    -- taking its dead-letter rows with it; its traces move to the copy
    UPDATE queen.messages SET transaction_id = p_txn || ' (requeued as ' || p_new_id || ')'
     WHERE id = v_msg.id;
    INSERT INTO queen.messages (id, transaction_id, partition_id, payload, trace_id, created_at,
                                is_encrypted, producer_sub)
    VALUES (p_new_id, p_txn, p_pid, v_msg.payload, v_msg.trace_id, v_ts, v_msg.is_encrypted,
            v_msg.producer_sub);
    UPDATE queen.message_traces SET message_id = p_new_id WHERE message_id = v_msg.id;
    DELETE FROM queen.messages WHERE id = v_msg.id;

    INSERT INTO queen.partition_lookup AS pl
           (queue_name, partition_id, last_message_id, last_message_created_at, updated_at)
    VALUES (v_queue, p_pid, p_new_id, v_ts, now())
    ON CONFLICT (queue_name, partition_id) DO UPDATE
       SET last_message_id = EXCLUDED.last_message_id,
           last_message_created_at = EXCLUDED.last_message_created_at,
           updated_at = now();
    PERFORM queen.ready_fan_out_v1(ARRAY[p_pid]);
    PERFORM queen.stats_mark_dirty_v1(ARRAY[p_pid]);
    RETURN QUERY SELECT 'requeued', v_queue, v_part, p_new_id, NULL::text;
END;
$fn$;


-- Gives back the partitions a pop leased when its answer could not be delivered: nobody holds
-- those messages, so they need not wait for the lease to expire. Returns how many.
CREATE OR REPLACE FUNCTION queen.release_lease_v1(p_lease uuid)
RETURNS integer
LANGUAGE plpgsql AS $fn$
DECLARE
    v_pids  uuid[];
    v_group text;
BEGIN
    PERFORM 1 FROM queen.partition_ready r
      JOIN queen.partition_consumers pc
        ON pc.partition_id = r.partition_id AND pc.consumer_group = r.consumer_group
     WHERE pc.worker_id = p_lease
     ORDER BY r.partition_id
       FOR UPDATE OF r;
    WITH released AS (
        UPDATE queen.partition_consumers
           SET lease_expires_at = NULL, lease_acquired_at = NULL, worker_id = NULL, batch_size = 0,
               acked_count = 0
         WHERE worker_id = p_lease
        RETURNING partition_id, consumer_group
    )
    SELECT array_agg(released.partition_id), min(released.consumer_group) INTO v_pids, v_group FROM released;
    IF v_pids IS NULL THEN
        RETURN 0;
    END IF;
    -- one pop, one group
    PERFORM queen.ready_after_release_v1(v_pids, v_group);
    RETURN cardinality(v_pids);
END;
$fn$;

-- Time-ordered ids for new partitions and lookup rows: creating a million partitions appends
-- to the end of their indexes instead of writing all over them.
ALTER TABLE queen.partitions ALTER COLUMN id SET DEFAULT queen.uuid_v7(0);
ALTER TABLE queen.partition_lookup ALTER COLUMN id SET DEFAULT queen.uuid_v7(0);
