-- Push: one call inserts a whole batch (any number of HTTP requests fused together).
--
-- Ordering: a message's position is (created_at, id). created_at is taken with
-- clock_timestamp() AFTER the target partitions are locked, so within a partition the
-- positions grow in commit order. Without that lock, two concurrent pushes could commit in
-- the opposite order of their timestamps and a consumer whose cursor had already passed the
-- later one would silently skip the earlier one.

-- Statements inside functions keep cached plans built for typical, small batches. Such a
-- plan turns joins quadratic on a batch of thousands, so a large batch is planned for its
-- actual size instead (for the rest of this transaction). Small batches, the common case,
-- skip planning altogether.
CREATE OR REPLACE FUNCTION queen.plan_for_batch_v1(p_items integer)
RETURNS void
LANGUAGE plpgsql AS $fn$
BEGIN
    IF p_items > 200 THEN
        PERFORM set_config('plan_cache_mode', 'force_custom_plan', true);
    END IF;
END;
$fn$;

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
BEGIN
    PERFORM queen.plan_for_batch_v1(cardinality(p_queue));

    -- 1. serialise pushes per partition (see header); id order avoids deadlocks
    SELECT count(*) INTO v_locked FROM (
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

        PERFORM 1
           FROM queen.partitions pt
           JOIN queen.queues q ON q.id = pt.queue_id
           JOIN (SELECT DISTINCT u.q, u.p FROM unnest(p_queue, p_partition) AS u(q, p)) n
             ON n.q = q.name AND n.p = pt.name
          ORDER BY pt.id
            FOR NO KEY UPDATE OF pt;
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
END;
$fn$;

-- A UUIDv7 made in SQL for callers that push without an id: the p_seq-th id of one call
-- sorts after the ones before it, which keeps FIFO inside the call.
CREATE OR REPLACE FUNCTION queen.uuid_v7(p_seq bigint)
RETURNS uuid
LANGUAGE sql VOLATILE AS $fn$
    SELECT (lpad(to_hex(floor(extract(epoch FROM clock_timestamp()) * 1000)::bigint + (p_seq >> 12)), 12, '0')
            || '7' || lpad(to_hex(p_seq & 4095), 3, '0')
            || substr(replace(gen_random_uuid()::text, '-', ''), 17, 16))::uuid
$fn$;

-- The reference's JSON entry point, kept for its tooling (spec 2.3). Same semantics as
-- push_batch_v1; ids and transaction ids the caller leaves out are generated here.
CREATE OR REPLACE FUNCTION queen.push_messages_v3(p_items jsonb)
RETURNS jsonb
LANGUAGE plpgsql AS $fn$
#variable_conflict use_column
DECLARE
    v_result jsonb;
BEGIN
    WITH items AS (
        SELECT e.value AS item, e.ord
          FROM jsonb_array_elements(coalesce(p_items, '[]'::jsonb)) WITH ORDINALITY AS e(value, ord)
    ), prepared AS (
        SELECT coalesce(item->>'queue', '') AS q,
               coalesce(nullif(item->>'partition', ''), 'Default') AS p,
               coalesce(nullif(item->>'transactionId', ''), gen_random_uuid()::text) AS t,
               coalesce(nullif(item->>'messageId', '')::uuid, queen.uuid_v7(ord)) AS id,
               coalesce(item->'payload', '{}'::jsonb)::text AS payload,
               nullif(item->>'traceId', '')::uuid AS trace,
               item->>'producerSub' AS producer,
               ord
          FROM items
    ), pushed AS (
        SELECT r.*
          FROM (SELECT array_agg(q ORDER BY ord) q, array_agg(p ORDER BY ord) p,
                       array_agg(t ORDER BY ord) t, array_agg(id ORDER BY ord) id,
                       array_agg(payload ORDER BY ord) payload, array_agg(trace ORDER BY ord) trace,
                       array_agg(producer ORDER BY ord) producer
                  FROM prepared) a,
               LATERAL queen.push_batch_v1(a.q, a.p, a.t, a.id, a.payload, a.trace, a.producer) r
         WHERE a.q IS NOT NULL
    )
    SELECT coalesce(jsonb_agg(jsonb_build_object(
               'index', pushed.idx, 'status', pushed.status, 'message_id', pushed.message_id,
               'partition_id', pushed.partition_id, 'transaction_id', pushed.transaction_id,
               'trace_id', pushed.trace_id, 'queueName', pushed.queue_name) ORDER BY pushed.idx),
           '[]'::jsonb)
      INTO v_result
      FROM pushed;
    RETURN v_result;
END;
$fn$;
