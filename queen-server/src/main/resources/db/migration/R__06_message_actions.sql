-- Moving a message to the DLQ by hand (the messages API), with the ready row locked first and
-- settled when the lease ends.
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

-- Requeue of a dead letter as a new message, with the locks in the global order (partition, ready
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
