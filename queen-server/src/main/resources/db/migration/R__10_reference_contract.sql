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

-- The stored-function contract of spec 2.3 for the reference's tooling, completed:
--   * push_messages_v2(jsonb), the older name of push_messages_v3, with the same input;
--   * pop_specific_batch takes any text as worker_id (tooling passes names such as
--     "test-worker-17", which failed as "invalid input syntax for type uuid"). A UUID is used
--     as it is; other text maps to the same UUID every time (so one worker's calls share a
--     lease id); empty or missing gets a fresh one.
CREATE OR REPLACE FUNCTION queen.push_messages_v2(p_items jsonb)
RETURNS jsonb
LANGUAGE sql AS $fn$
    SELECT queen.push_messages_v3(p_items)
$fn$;

-- The reference's JSON entry point for specific-partition pops (spec 2.3); the worker id is
-- read by lease_id_v1.
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
        v_lease := queen.lease_id_v1(req->>'worker_id');

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
