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

-- Encryption at rest (spec 1.18): the push records which payloads the server encrypted
-- (messages.is_encrypted). push_batch_v1 keeps its signature for callers such as
-- push_messages_v3 and pushes nothing encrypted.

-- The push of one batch, the server's hot path. The batch names its distinct (queue, partition)
-- pairs once (p_queues, p_partitions) and each item points at its pair (p_pair, 1-based), so
-- the partitions are resolved, locked and bookkept once per pair, not once per item. Answers
-- one row: the partition id of each pair, and the items that were not stored because their
-- (partition, transaction id) already was (0-based indices, with the id of the stored message).
-- Every other item was stored under its own id. p_encrypted marks the payloads the server
-- encrypted (NULL: none).
CREATE OR REPLACE FUNCTION queen.push_v3(
    p_queues     text[],
    p_partitions text[],
    p_pair       integer[],
    p_txn        text[],
    p_id         uuid[],
    p_payload    text[],
    p_trace      uuid[],
    p_producer   text[],
    p_encrypted  boolean[])
RETURNS TABLE (pair_partition_ids uuid[], duplicate_idx integer[], duplicate_ids uuid[])
LANGUAGE plpgsql
-- Statements here and in the functions it calls take arrays (= ANY, unnest). Left to choose,
-- PostgreSQL kept planning some of them anew on every call, because a plan made for the
-- actual array looks cheaper than the cached one: measured, the ready fan-out's insert spent
-- 1.1 ms per push in planning and 0.1 ms running. Large batches still get plans of their own
-- (plan_for_batch_v1 overrides this inside the call).
SET plan_cache_mode = force_generic_plan
AS $fn$
#variable_conflict use_column
DECLARE
    v_pairs    integer := cardinality(p_queues);
    v_pids     uuid[];
    v_missing  boolean;
    v_ts       timestamptz;
    v_stored   integer;
    v_inserted uuid[];
BEGIN
    PERFORM queen.plan_for_batch_v1(cardinality(p_pair));

    -- 1. serialise pushes per partition (see header); id order avoids deadlocks. The first push
    --    to a queue or partition creates it, then locks them all again.
    LOOP
        SELECT array_agg(locked.id ORDER BY locked.pair), count(*) < v_pairs INTO v_pids, v_missing FROM (
            SELECT pt.id, n.pair
              FROM unnest(p_queues, p_partitions) WITH ORDINALITY AS n(q, p, pair)
              JOIN queen.queues q ON q.name = n.q
              JOIN queen.partitions pt ON pt.queue_id = q.id AND pt.name = n.p
             ORDER BY pt.id
               FOR NO KEY UPDATE OF pt) locked;
        EXIT WHEN NOT v_missing;

        INSERT INTO queen.queues (name, namespace, task)
        SELECT n.q, split_part(n.q, '.', 1),
               CASE WHEN strpos(n.q, '.') > 0 THEN split_part(n.q, '.', 2) ELSE '' END
          FROM (SELECT DISTINCT u.q FROM unnest(p_queues) AS u(q)) n
         ORDER BY n.q
        ON CONFLICT (name) DO NOTHING;

        INSERT INTO queen.partitions (queue_id, name)
        SELECT q.id, n.p
          FROM unnest(p_queues, p_partitions) AS n(q, p)
          JOIN queen.queues q ON q.name = n.q
         ORDER BY q.id, n.p
        ON CONFLICT (queue_id, name) DO NOTHING;
    END LOOP;

    v_ts := clock_timestamp();

    -- 3. store the first occurrence of each (partition, transaction id): the unique index
    --    decides, for earlier pushes and for repeats inside this batch alike (rows are inserted
    --    in item order, so the first one wins); move each partition's newest message forward.
    --    No foreign key on messages.partition_id: the partition rows are locked above, which
    --    keeps a deletion out (it deletes the messages of the partitions it locked itself).
    WITH stored AS (
        INSERT INTO queen.messages (id, transaction_id, partition_id, payload, trace_id,
                                    created_at, producer_sub, is_encrypted)
        SELECT u.id, u.t, v_pids[u.k], u.payload::jsonb, u.trace, v_ts, nullif(u.producer, ''),
               coalesce(u.enc, false)
          FROM unnest(p_pair, p_txn, p_id, p_payload, p_trace, p_producer, p_encrypted)
               WITH ORDINALITY AS u(k, t, id, payload, trace, producer, enc, ord)
         ORDER BY u.ord
        ON CONFLICT (partition_id, transaction_id) DO NOTHING
        RETURNING id, partition_id
    ), lookup AS (
        INSERT INTO queen.partition_lookup AS pl
               (queue_name, partition_id, last_message_id, last_message_created_at, updated_at)
        SELECT d.q, n.partition_id, n.id, v_ts, now()
          FROM (SELECT DISTINCT ON (s.partition_id) s.partition_id, s.id
                  FROM stored s
                 ORDER BY s.partition_id, s.id DESC) n
          JOIN unnest(v_pids, p_queues) AS d(pid, q) ON d.pid = n.partition_id
         ORDER BY n.partition_id
        ON CONFLICT (queue_name, partition_id) DO UPDATE
           SET last_message_id = CASE
                   WHEN (EXCLUDED.last_message_created_at, EXCLUDED.last_message_id)
                        > (pl.last_message_created_at, pl.last_message_id)
                   THEN EXCLUDED.last_message_id ELSE pl.last_message_id END,
               last_message_created_at = GREATEST(pl.last_message_created_at,
                                                  EXCLUDED.last_message_created_at),
               updated_at = now()
    )
    SELECT count(*), array_agg(s.id) INTO v_stored, v_inserted FROM stored s;

    -- 4. only a batch with repeats looks at what is stored for them
    IF v_stored < cardinality(p_pair) THEN
        SELECT array_agg(u.ord - 1 ORDER BY u.ord), array_agg(m.id ORDER BY u.ord)
          INTO duplicate_idx, duplicate_ids
          FROM unnest(p_pair, p_txn, p_id) WITH ORDINALITY AS u(k, t, id, ord)
          JOIN queen.messages m ON m.partition_id = v_pids[u.k] AND m.transaction_id = u.t
         WHERE u.id <> ALL (coalesce(v_inserted, '{}'));
    END IF;

    -- 5. wildcard consumer groups of these queues find the partitions
    PERFORM queen.ready_fan_out_v1(v_pids);

    -- 6. the statistics job's work list (queen.stats_dirty)
    PERFORM queen.stats_mark_dirty_v1(v_pids);

    pair_partition_ids := v_pids;
    RETURN NEXT;
END;
$fn$;

-- The per-item form of push_v3, for callers that pass one (queue, partition) per item: the
-- streams cycle, push_batch_v1 and servers of earlier builds on the same database.
CREATE OR REPLACE FUNCTION queen.push_batch_v2(
    p_queue     text[],
    p_partition text[],
    p_txn       text[],
    p_id        uuid[],
    p_payload   text[],
    p_trace     uuid[],
    p_producer  text[],
    p_encrypted boolean[])
RETURNS TABLE (idx integer, status text, message_id uuid, partition_id uuid,
               trace_id uuid, transaction_id text, queue_name text)
LANGUAGE plpgsql AS $fn$
#variable_conflict use_column
DECLARE
    v_queues     text[];
    v_partitions text[];
    v_pair       integer[];
    v_result     record;
BEGIN
    IF coalesce(cardinality(p_queue), 0) = 0 THEN
        RETURN;
    END IF;
    SELECT array_agg(n.q ORDER BY n.q, n.p), array_agg(n.p ORDER BY n.q, n.p) INTO v_queues, v_partitions
      FROM (SELECT DISTINCT u.q, u.p FROM unnest(p_queue, p_partition) AS u(q, p)) n;
    SELECT array_agg(r.k ORDER BY r.ord) INTO v_pair
      FROM (SELECT u.ord, dense_rank() OVER (ORDER BY u.q, u.p)::integer AS k
              FROM unnest(p_queue, p_partition) WITH ORDINALITY AS u(q, p, ord)) r;
    SELECT * INTO v_result
      FROM queen.push_v3(v_queues, v_partitions, v_pair, p_txn, p_id, p_payload, p_trace, p_producer,
                         p_encrypted);
    RETURN QUERY
    SELECT (u.ord - 1)::integer,
           CASE WHEN d.stored_id IS NULL THEN 'queued' ELSE 'duplicate' END,
           coalesce(d.stored_id, u.id), v_result.pair_partition_ids[u.k], u.trace, u.t, u.q
      FROM unnest(v_pair, p_id, p_trace, p_txn, p_queue) WITH ORDINALITY AS u(k, id, trace, t, q, ord)
      LEFT JOIN unnest(v_result.duplicate_idx, v_result.duplicate_ids) AS d(i, stored_id) ON d.i = u.ord - 1
     ORDER BY u.ord;
END;
$fn$;

-- push_batch_v2 with nothing encrypted, for callers that never encrypt (push_messages_v3).
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
LANGUAGE sql AS $fn$
    SELECT * FROM queen.push_batch_v2(p_queue, p_partition, p_txn, p_id, p_payload, p_trace, p_producer, NULL)
$fn$;
