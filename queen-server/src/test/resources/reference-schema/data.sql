-- What the reference server would have stored for queue "ref-orders" (see ReferenceUpgradeTest
-- for what each row stands for). Ids are derived from the transaction ids.
INSERT INTO queen.queues (name, namespace, task, lease_time, retry_limit) VALUES ('ref-orders', NULL, NULL, 300, 2);
INSERT INTO queen.queues (name, namespace, task) VALUES ('ref-empty', 'ref', 'empty');
INSERT INTO queen.partitions (queue_id, name)
SELECT q.id, p.name FROM queen.queues q, (VALUES ('Default'), ('customer-1'), ('customer-2'), ('customer-3')) p(name)
 WHERE q.name = 'ref-orders';

-- 10, 5, 4 and 3 messages, one second apart, oldest first
INSERT INTO queen.messages (id, transaction_id, partition_id, payload, created_at, trace_id)
SELECT md5(p.name || '-' || lpad(n::text, 2, '0'))::uuid, p.name || '-' || lpad(n::text, 2, '0'), p.id,
       jsonb_build_object('partition', p.name, 'n', n),
       timestamptz '2026-11-01 00:00:00+00' + (c.ord * 100 + n) * interval '1 second', NULL
  FROM queen.partitions p
  JOIN (VALUES ('Default', 10, 1), ('customer-1', 5, 2), ('customer-2', 4, 3), ('customer-3', 3, 4)) c(name, count, ord)
    ON c.name = p.name
  CROSS JOIN LATERAL generate_series(1, c.count) n;

-- queue mode: Default read up to 04; customer-2 read up to 01 and 02..03 leased (active lease,
-- a UUIDv7 lease id as text); customer-3 never read, with an expired lease of a lease id that
-- is not a UUID
INSERT INTO queen.partition_consumers (partition_id, consumer_group, last_consumed_id, last_consumed_created_at,
                                       worker_id, lease_acquired_at, lease_expires_at, batch_size, acked_count)
SELECT p.id, '__QUEUE_MODE__', coalesce(m.id, '00000000-0000-0000-0000-000000000000'), m.created_at,
       c.worker, c.acquired, c.expires, c.batch, 0
  FROM (VALUES ('Default', 'Default-04', NULL, NULL::timestamptz, NULL::timestamptz, 0),
               ('customer-2', 'customer-2-01', '019a4f6e-1c2d-7a3b-8c4d-5e6f70819203', now(), now() + interval '1 hour', 2),
               ('customer-3', NULL, 'worker-7', now() - interval '10 minutes', now() - interval '5 minutes', 3))
       c(name, cursor, worker, acquired, expires, batch)
  JOIN queen.partitions p ON p.name = c.name
  LEFT JOIN queen.messages m ON m.transaction_id = c.cursor AND m.partition_id = p.id;

-- group "analytics" read Default up to 08
INSERT INTO queen.partition_consumers (partition_id, consumer_group, last_consumed_id, last_consumed_created_at)
SELECT m.partition_id, 'analytics', m.id, m.created_at FROM queen.messages m WHERE m.transaction_id = 'Default-08';

-- Default-03 failed past its retries in queue mode
INSERT INTO queen.dead_letter_queue (message_id, partition_id, consumer_group, error_message, retry_count,
                                     original_created_at)
SELECT id, partition_id, '__QUEUE_MODE__', 'boom', 2, created_at FROM queen.messages WHERE transaction_id = 'Default-03';

-- the lookup as the reference may leave it between reconciles: customer-1 behind, customer-2 missing
INSERT INTO queen.partition_lookup (queue_name, partition_id, last_message_id, last_message_created_at)
SELECT 'ref-orders', m.partition_id, m.id, m.created_at FROM queen.messages m
 WHERE m.transaction_id IN ('Default-10', 'customer-1-03', 'customer-3-03');

-- watermarks saying "nothing new since now", which would hide the older partitions
INSERT INTO queen.consumer_watermarks (queue_name, consumer_group, last_empty_scan_at)
VALUES ('ref-orders', '__QUEUE_MODE__', now()), ('ref-orders', 'analytics', now());

INSERT INTO queen.message_traces (message_id, partition_id, transaction_id, consumer_group, event_type, data, worker_id)
SELECT id, partition_id, transaction_id, '__QUEUE_MODE__', 'processing', '{"note": "seen"}', 'w1'
  FROM queen.messages WHERE transaction_id = 'Default-05';
INSERT INTO queen.message_trace_names (trace_id, trace_name) SELECT id, 'order-flow' FROM queen.message_traces;

INSERT INTO queen.messages_consumed (partition_id, consumer_group, messages_completed)
SELECT partition_id, '__QUEUE_MODE__', 4 FROM queen.messages WHERE transaction_id = 'Default-04';
INSERT INTO queen.system_state (key, value) VALUES ('maintenance_mode', '{"enabled": false}');
INSERT INTO queen.stats (stat_type, stat_key, total_messages) VALUES ('system', 'system', 22);
INSERT INTO queen.worker_metrics (hostname, worker_id, bucket_time, push_request_count) VALUES ('old-host', 0, now(), 7);

-- a streams query with an open window on customer-1
INSERT INTO queen_streams.queries (id, name, source_queue, sink_queue, config_hash)
VALUES ('019a4f6e-0000-7000-8000-000000000001', 'ref-totals', 'ref-orders', 'ref-totals-out', 'hash-1');
INSERT INTO queen_streams.state (query_id, partition_id, key, value)
SELECT '019a4f6e-0000-7000-8000-000000000001', p.id, 'tumb:60' || chr(31) || '2026-01-01T00:00' || chr(31) || 'c1',
       '{"acc": 42, "windowStart": 0, "windowEnd": 60000}'
  FROM queen.partitions p WHERE p.name = 'customer-1';
