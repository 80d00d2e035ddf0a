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

-- Acks of a batch: moves cursors, dead-letters failures past the retry limit, ends leases.
-- Takes the partitions' ready rows first and makes a partition whose lease ended visible
-- again (or drops its ready row when the group has read it all).
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

    -- per item only its message is looked up; names, retry limit and the lease holder are
    -- read once per partition (a batch acks many messages of few partitions)
    SELECT array_agg(ROW(x.i::integer, x.t, x.pid, x.st, x.lease, x.err, m.id, m.created_at,
                         CASE WHEN m.id IS NOT NULL THEN pa.qname END,
                         CASE WHEN m.id IS NOT NULL THEN pa.pname END,
                         CASE WHEN m.id IS NOT NULL THEN pa.retry_limit END,
                         m.id IS NOT NULL AND x.st IN ('completed', 'success', 'failed', 'dlq', 'retry')
                             AND (x.lease IS NULL OR coalesce(pa.holder = x.lease AND pa.live, false)),
                         CASE WHEN m.id IS NULL THEN 'Message not found'
                              WHEN x.lease IS NOT NULL AND NOT coalesce(pa.holder = x.lease AND pa.live, false)
                              THEN 'Invalid or expired lease'
                         END)::queen.ack_item
                     ORDER BY x.pid, m.created_at, m.id, x.i)
      INTO v_items
      FROM unnest(p_txn, p_pid, p_status, p_lease, p_error) WITH ORDINALITY AS x(t, pid, st, lease, err, i)
      LEFT JOIN queen.messages m ON m.partition_id = x.pid AND m.transaction_id = x.t
      LEFT JOIN (SELECT d.pid, q.name AS qname, pt.name AS pname, q.retry_limit, pc.worker_id AS holder,
                        pc.lease_expires_at > now() AS live
                   FROM (SELECT DISTINCT u AS pid FROM unnest(p_pid) u) d
                   JOIN queen.partitions pt ON pt.id = d.pid
                   JOIN queen.queues q ON q.id = pt.queue_id
                   LEFT JOIN queen.partition_consumers pc
                          ON pc.partition_id = d.pid AND pc.consumer_group = p_group) pa ON pa.pid = x.pid;

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

-- The ack of a transaction (below) or of a streams cycle, which acknowledges a whole popped
-- batch at once: the cursor moves to the message, p_count messages are counted as consumed,
-- and the lease ends as p_release says: NULL when every message delivered with it is acked
-- (the transaction's rule), true at once (the cycle covered the whole batch), false never (a
-- cycle that acked the head of its batch keeps the lease on the rest). Any problem raises, so
-- the caller's transaction rolls back as a whole.
CREATE OR REPLACE FUNCTION queen.transaction_ack_v2(
    p_txn     text,
    p_pid     uuid,
    p_group   text,
    p_lease   uuid,
    p_status  text,
    p_error   text,
    p_count   integer,
    p_release boolean)
RETURNS TABLE (dlq boolean, lease_released boolean)
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
    -- checked with the row locked: a pop taking the partition over waits for this transaction
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
        VALUES (v_mid, p_pid, p_group, p_error, 0, v_mts);
    END IF;
    INSERT INTO queen.messages_consumed (partition_id, consumer_group, messages_completed, messages_failed)
    VALUES (p_pid, p_group, CASE WHEN v_dlq THEN 0 ELSE p_count END, CASE WHEN v_dlq THEN 1 ELSE 0 END);
    INSERT INTO queen.partition_consumers AS pc
           (partition_id, consumer_group, last_consumed_created_at, last_consumed_id, last_consumed_at,
            total_messages_consumed)
    VALUES (p_pid, p_group, v_mts, v_mid, now(), p_count)
    ON CONFLICT (partition_id, consumer_group) DO UPDATE SET
        last_consumed_created_at = CASE WHEN pc.last_consumed_created_at IS NULL
              OR (v_mts, v_mid) > (pc.last_consumed_created_at, pc.last_consumed_id)
            THEN v_mts ELSE pc.last_consumed_created_at END,
        last_consumed_id = CASE WHEN pc.last_consumed_created_at IS NULL
              OR (v_mts, v_mid) > (pc.last_consumed_created_at, pc.last_consumed_id)
            THEN v_mid ELSE pc.last_consumed_id END,
        last_consumed_at = now(),
        total_messages_consumed = pc.total_messages_consumed + p_count,
        acked_count = pc.acked_count + p_count;
    IF v_dlq OR p_release THEN
        -- a dead-lettered message ends the lease whatever was delivered with it
        UPDATE queen.partition_consumers
           SET lease_expires_at = NULL, lease_acquired_at = NULL, worker_id = NULL,
               batch_size = 0, acked_count = 0, batch_retry_count = CASE WHEN v_dlq THEN batch_retry_count ELSE 0 END
         WHERE partition_id = p_pid AND consumer_group = p_group;
        PERFORM queen.ready_after_release_v1(ARRAY[p_pid], p_group);
    ELSIF p_release IS NULL THEN
        PERFORM queen.release_acked_leases_v1(ARRAY[p_pid], p_group, true);
    END IF;
    RETURN QUERY SELECT v_dlq, pc.worker_id IS NULL
                   FROM queen.partition_consumers pc
                  WHERE pc.partition_id = p_pid AND pc.consumer_group = p_group;
END;
$fn$;

-- An ack inside POST /api/v1/transaction: any problem aborts the whole transaction, and a
-- failed/dlq status always dead-letters the message (spec 2.11).
CREATE OR REPLACE FUNCTION queen.transaction_ack_v1(
    p_txn    text,
    p_pid    uuid,
    p_group  text,
    p_lease  uuid,
    p_status text,
    p_error  text)
RETURNS boolean  -- true when the message went to the dead-letter queue
LANGUAGE sql AS $fn$
    SELECT a.dlq FROM queen.transaction_ack_v2(p_txn, p_pid, p_group, p_lease, p_status,
                                               coalesce(nullif(p_error, ''), 'Unknown error'), 1, NULL) a;
$fn$;
