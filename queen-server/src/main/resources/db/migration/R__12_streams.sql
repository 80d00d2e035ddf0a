-- Streams (spec 3.17): the server side of the streaming SDKs. The windows run in the client;
-- the server registers queries, keeps their state per source partition, and commits one
-- "cycle" (state changes, sink pushes, source ack) as a single transaction.

-- The advisory lock that lets one cycle at a time work on a (query, partition) state shard.
CREATE OR REPLACE FUNCTION queen.streams_lock_key_v1(p_query uuid, p_pid uuid)
RETURNS bigint
LANGUAGE sql IMMUTABLE AS $fn$
    SELECT hashtextextended('queen.streams/' || p_query::text || '/' || p_pid::text, 0)
$fn$;

-- Registers query p_name, or finds it again. outcome: 'fresh' (created), 'same' (known, same
-- config hash; source and sink names refreshed), 'reset' (another hash and p_reset: its state
-- is deleted and the new hash stored) or 'mismatch' (another hash, no reset: nothing changes).
CREATE OR REPLACE FUNCTION queen.streams_register_v1(
    p_name   text,
    p_source text,
    p_sink   text,
    p_hash   text,
    p_reset  boolean)
RETURNS TABLE (query_id uuid, outcome text)
LANGUAGE plpgsql AS $fn$
#variable_conflict use_column
DECLARE
    v_id   uuid;
    v_hash text;
BEGIN
    INSERT INTO queen_streams.queries AS q (name, source_queue, sink_queue, config_hash)
    VALUES (p_name, p_source, p_sink, p_hash)
    ON CONFLICT (name) DO NOTHING
    RETURNING q.id INTO v_id;
    IF v_id IS NOT NULL THEN
        query_id := v_id;
        outcome := 'fresh';
        RETURN NEXT;
        RETURN;
    END IF;

    -- registrations of one name, and the resets among them, take turns
    SELECT q.id, q.config_hash INTO v_id, v_hash FROM queen_streams.queries q WHERE q.name = p_name FOR UPDATE;
    IF v_id IS NULL THEN
        RAISE EXCEPTION 'query % was deleted while it was being registered; register it again', p_name;
    END IF;
    query_id := v_id;
    IF v_hash = p_hash THEN
        UPDATE queen_streams.queries q
           SET source_queue = p_source, sink_queue = p_sink, updated_at = now()
         WHERE q.id = v_id;
        outcome := 'same';
    ELSIF p_reset THEN
        DELETE FROM queen_streams.state s WHERE s.query_id = v_id;
        UPDATE queen_streams.queries q
           SET source_queue = p_source, sink_queue = p_sink, config_hash = p_hash, updated_at = now()
         WHERE q.id = v_id;
        outcome := 'reset';
    ELSE
        outcome := 'mismatch';
    END IF;
    RETURN NEXT;
END;
$fn$;

-- One streams cycle of query p_query on source partition p_pid, all or nothing:
--   1. the state ops, in order (p_state_values NULL: delete the key; the last op on a key wins);
--   2. the sink pushes, through the push itself (queue and partition creation, duplicates by
--      transaction id, partition_lookup, the ready set): p_queue … p_encrypted as push_batch_v2;
--   3. the source ack (p_ack_txn NULL: none, as in the SDKs' idle flushes) of a whole popped
--      batch through transaction_ack_v2: the cursor moves to the message, p_ack_count messages
--      count as consumed, and with a lease id the lease must still be the caller's. The lease
--      is checked with the consumer row locked, so a cycle whose lease expired, or that another
--      consumer took over, fails here and nothing of it is committed.
-- Any problem raises; the caller's statement then rolls back entirely.
CREATE OR REPLACE FUNCTION queen.streams_commit_cycle_v1(
    p_query        uuid,
    p_pid          uuid,
    p_group        text,
    p_state_keys   text[],
    p_state_values text[],
    p_queue        text[],
    p_partition    text[],
    p_txn          text[],
    p_id           uuid[],
    p_payload      text[],
    p_trace        uuid[],
    p_producer     text[],
    p_encrypted    boolean[],
    p_ack_txn      text,
    p_ack_lease    uuid,
    p_ack_status   text,
    p_ack_error    text,
    p_ack_count    integer,
    p_release      boolean)
RETURNS TABLE (queue_name text, state_ops_applied integer, ack_dlq boolean, ack_lease_released boolean,
               push_status text[], push_message_id uuid[], push_partition_id uuid[], push_trace_id uuid[],
               push_transaction_id text[], push_queue text[])
LANGUAGE plpgsql AS $fn$
#variable_conflict use_column
BEGIN
    -- the query cannot be deleted under the cycle (its state rows reference it)
    PERFORM 1 FROM queen_streams.queries q WHERE q.id = p_query FOR KEY SHARE;
    IF NOT FOUND THEN
        RAISE EXCEPTION 'Unknown query_id %: register the query first (POST /streams/v1/queries)', p_query;
    END IF;
    PERFORM pg_advisory_xact_lock(queen.streams_lock_key_v1(p_query, p_pid));

    IF cardinality(p_state_keys) > 0 THEN
        WITH last_op AS (
            SELECT DISTINCT ON (o.k) o.k, o.v
              FROM unnest(p_state_keys, p_state_values) WITH ORDINALITY AS o(k, v, n)
             ORDER BY o.k, o.n DESC
        ), deleted AS (
            DELETE FROM queen_streams.state s
             USING last_op l
             WHERE l.v IS NULL AND s.query_id = p_query AND s.partition_id = p_pid AND s.key = l.k
        )
        INSERT INTO queen_streams.state AS s (query_id, partition_id, key, value, updated_at)
        SELECT p_query, p_pid, l.k, l.v::jsonb, now()
          FROM last_op l
         WHERE l.v IS NOT NULL
         ORDER BY l.k
        ON CONFLICT (query_id, partition_id, key) DO UPDATE
           SET value = EXCLUDED.value, updated_at = EXCLUDED.updated_at;
    END IF;
    state_ops_applied := coalesce(cardinality(p_state_keys), 0);

    IF cardinality(p_queue) > 0 THEN
        SELECT array_agg(r.status ORDER BY r.idx), array_agg(r.message_id ORDER BY r.idx),
               array_agg(r.partition_id ORDER BY r.idx), array_agg(r.trace_id ORDER BY r.idx),
               array_agg(r.transaction_id ORDER BY r.idx), array_agg(r.queue_name ORDER BY r.idx)
          INTO push_status, push_message_id, push_partition_id, push_trace_id, push_transaction_id, push_queue
          FROM queen.push_batch_v2(p_queue, p_partition, p_txn, p_id, p_payload, p_trace, p_producer,
                                   p_encrypted) r;
    END IF;

    IF p_ack_txn IS NOT NULL THEN
        SELECT a.dlq, a.lease_released INTO ack_dlq, ack_lease_released
          FROM queen.transaction_ack_v2(p_ack_txn, p_pid, p_group, p_ack_lease, p_ack_status,
                                        coalesce(nullif(p_ack_error, ''), 'Streaming cycle reported failure'),
                                        p_ack_count, p_release) a;
    END IF;

    SELECT q.name INTO queue_name
      FROM queen.partitions pt JOIN queen.queues q ON q.id = pt.queue_id
     WHERE pt.id = p_pid;
    RETURN NEXT;
END;
$fn$;
