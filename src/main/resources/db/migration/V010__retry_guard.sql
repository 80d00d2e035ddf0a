-- retry_message_v1 (V009) again, with a guard for the other consumer groups of the partition.
-- The requeued copy keeps the transaction id and becomes the newest message of the partition.
-- A group that held the original in a lease would ack that transaction id onto the copy and
-- its cursor would jump over every message pushed in between; a group that had already
-- consumed the original would get it a second time. The retry is now refused ('in_use', with
-- those groups) while a group without a dead-letter row for the message has it leased or
-- consumed. Groups that have not reached it yet get the copy once, at the end.
--
-- Locks: the partition's consumer rows first (a pop cannot lease the original meanwhile),
-- then the partition as before. Consumer rows before partitions is the order a transaction
-- takes them in (its acks, then its pushes), so the two cannot deadlock.
DROP FUNCTION IF EXISTS queen.retry_message_v1(uuid, text, uuid);
CREATE FUNCTION queen.retry_message_v1(p_pid uuid, p_txn text, p_new_id uuid)
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
    PERFORM 1 FROM queen.partition_consumers pc
     WHERE pc.partition_id = p_pid
     ORDER BY pc.consumer_group COLLATE "C"
       FOR UPDATE;
    -- the lock a push takes: nothing can be appended between our clock reading and commit,
    -- so the requeued message really is the newest
    SELECT q.name, pt.name INTO v_queue, v_part
      FROM queen.partitions pt JOIN queen.queues q ON q.id = pt.queue_id
     WHERE pt.id = p_pid
       FOR NO KEY UPDATE OF pt;
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
    RETURN QUERY SELECT 'requeued', v_queue, v_part, p_new_id, NULL::text;
END;
$fn$;
