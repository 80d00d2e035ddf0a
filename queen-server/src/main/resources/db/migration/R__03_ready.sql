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
