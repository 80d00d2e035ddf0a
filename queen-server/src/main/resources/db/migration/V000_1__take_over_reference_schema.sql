-- Taking over a database created by the reference Queen server (C++, 0.15), which keeps no
-- version table. Flyway runs this first on a database without history; on a new database
-- (no queen.messages) it does nothing, and a database of this server's pre-Flyway builds is
-- baselined after it (db/Migrations).
--
-- The reference's tables have the same names and meanings as ours but other column types
-- (varchar(255) for names, the lease id as text), nullable columns where ours are NOT NULL,
-- and its own functions under names ours use. This converts them in place, in the transaction
-- of the whole migration: messages, partitions, consumer cursors, leases, subscriptions, dead
-- letters and traces are kept; the derived tables (statistics, metrics history) move to the
-- schema queen_reference_archive and ours are created empty. The conversion is one-way: the
-- reference server cannot run on the database afterwards (take a pg_dump first).
DO $convert$
DECLARE
    r record;
    orphans bigint;
    unreadable text;
BEGIN
    IF to_regclass('queen.messages') IS NULL THEN
        RETURN;
    END IF;
    RAISE NOTICE 'converting a schema created by the reference Queen server';

    -- Queues kept in the reference's segment storage (schema q2) have their messages elsewhere.
    IF EXISTS (SELECT 1 FROM information_schema.columns
               WHERE table_schema = 'queen' AND table_name = 'queues' AND column_name = 'storage') THEN
        EXECUTE $q$SELECT string_agg(name, ', ') FROM queen.queues WHERE storage IS DISTINCT FROM 'rows'$q$
            INTO unreadable;
        IF unreadable IS NOT NULL THEN
            RAISE EXCEPTION 'queues % keep their messages in the reference server''s segment storage, which '
                'this server cannot read: drain them (or move them to row storage) with the reference server first',
                unreadable;
        END IF;
    END IF;

    -- Its functions, procedures, aggregates and views; ours come with the repeatable migrations.
    -- CASCADE takes the triggers that call them.
    FOR r IN SELECT c.oid::regclass::text AS name, c.relkind FROM pg_class c
             WHERE c.relnamespace = 'queen'::regnamespace AND c.relkind IN ('v', 'm') LOOP
        EXECUTE format('DROP %s IF EXISTS %s CASCADE',
                       CASE r.relkind WHEN 'm' THEN 'MATERIALIZED VIEW' ELSE 'VIEW' END, r.name);
    END LOOP;
    FOR r IN SELECT p.oid::regprocedure::text AS signature, p.prokind FROM pg_proc p
             WHERE p.pronamespace = 'queen'::regnamespace LOOP
        EXECUTE format('DROP %s IF EXISTS %s CASCADE',
                       CASE r.prokind WHEN 'a' THEN 'AGGREGATE' WHEN 'p' THEN 'PROCEDURE' ELSE 'FUNCTION' END,
                       r.signature);
    END LOOP;

    -- Derived data with another shape: kept for the operator, not used by this server.
    CREATE SCHEMA IF NOT EXISTS queen_reference_archive;
    FOR r IN SELECT t FROM unnest(ARRAY['stats', 'stats_history', 'worker_metrics', 'worker_metrics_summary',
                                        'queue_lag_metrics', 'queue_parked_replica', 'system_metrics']) AS t LOOP
        IF to_regclass('queen.' || r.t) IS NOT NULL THEN
            EXECUTE format('ALTER TABLE queen.%I SET SCHEMA queen_reference_archive', r.t);
        END IF;
    END LOOP;

    -- Columns older reference versions lack.
    ALTER TABLE queen.messages ADD COLUMN IF NOT EXISTS is_encrypted boolean;
    ALTER TABLE queen.messages ADD COLUMN IF NOT EXISTS producer_sub text;
    ALTER TABLE queen.queues ADD COLUMN IF NOT EXISTS max_queue_size integer;
    ALTER TABLE queen.queues ADD COLUMN IF NOT EXISTS encryption_enabled boolean;
    ALTER TABLE queen.queues ADD COLUMN IF NOT EXISTS max_wait_time_seconds integer;
    ALTER TABLE queen.partition_consumers ADD COLUMN IF NOT EXISTS batch_retry_count integer;

    -- varchar(n) becomes text: the same bytes, no table rewrite. (Only the tables we share:
    -- Flyway's history table is in this schema too, and others are the reference's own.)
    FOR r IN SELECT table_name, column_name FROM information_schema.columns
             WHERE table_schema = 'queen' AND data_type = 'character varying'
               AND table_name IN ('queues', 'partitions', 'messages', 'partition_consumers',
                                  'consumer_groups_metadata', 'consumer_watermarks', 'partition_lookup',
                                  'messages_consumed', 'dead_letter_queue', 'retention_history',
                                  'message_traces', 'message_trace_names', 'system_state') LOOP
        EXECUTE format('ALTER TABLE queen.%I ALTER COLUMN %I TYPE text', r.table_name, r.column_name);
    END LOOP;

    -- The lease id: text there, uuid here. A lease id that is not a UUID ends its lease (the
    -- messages are delivered again, as after an expiry).
    UPDATE queen.partition_consumers
       SET worker_id = NULL, lease_expires_at = NULL, lease_acquired_at = NULL, batch_size = 0, acked_count = 0
     WHERE worker_id IS NOT NULL
       AND worker_id !~* '^[0-9a-f]{8}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{12}$';
    ALTER TABLE queen.partition_consumers ALTER COLUMN worker_id TYPE uuid USING worker_id::uuid;

    -- Rows that cannot be reached (no queue, no partition) go; the rest get our NOT NULLs.
    DELETE FROM queen.partitions WHERE queue_id IS NULL;
    GET DIAGNOSTICS orphans = ROW_COUNT;
    IF orphans > 0 THEN
        RAISE NOTICE 'removed % partitions without a queue', orphans;
    END IF;
    DELETE FROM queen.messages WHERE partition_id IS NULL;
    DELETE FROM queen.partition_consumers WHERE partition_id IS NULL;
    DELETE FROM queen.messages_consumed WHERE partition_id IS NULL;
    DELETE FROM queen.dead_letter_queue WHERE message_id IS NULL OR partition_id IS NULL;
    FOR r IN SELECT * FROM (VALUES
            ('queues', 'namespace', $v$''$v$, true), ('queues', 'task', $v$''$v$, true),
            ('queues', 'priority', '0', true), ('queues', 'lease_time', '300', true),
            ('queues', 'retry_limit', '3', true), ('queues', 'retry_delay', '1000', true),
            ('queues', 'max_queue_size', '0', true), ('queues', 'ttl', '3600', true),
            ('queues', 'dead_letter_queue', 'false', true), ('queues', 'dlq_after_max_retries', 'false', true),
            ('queues', 'delayed_processing', '0', true), ('queues', 'window_buffer', '0', true),
            ('queues', 'retention_seconds', '0', true), ('queues', 'completed_retention_seconds', '0', true),
            ('queues', 'retention_enabled', 'false', true), ('queues', 'encryption_enabled', 'false', true),
            ('queues', 'max_wait_time_seconds', '0', true), ('queues', 'created_at', 'now()', true),
            ('partitions', 'queue_id', NULL, false), ('partitions', 'created_at', 'now()', true),
            ('partitions', 'last_activity', 'now()', true),
            ('messages', 'partition_id', NULL, false), ('messages', 'created_at', 'now()', true),
            ('messages', 'is_encrypted', 'false', true),
            ('partition_consumers', 'partition_id', NULL, false),
            ('partition_consumers', 'consumer_group', $v$'__QUEUE_MODE__'$v$, true),
            ('partition_consumers', 'last_consumed_id', $v$'00000000-0000-0000-0000-000000000000'$v$, true),
            ('partition_consumers', 'total_messages_consumed', '0', true),
            ('partition_consumers', 'total_batches_consumed', '0', true),
            ('partition_consumers', 'batch_size', '0', true), ('partition_consumers', 'acked_count', '0', true),
            ('partition_consumers', 'batch_retry_count', '0', true),
            ('partition_consumers', 'pending_estimate', '0', true),
            ('partition_consumers', 'created_at', 'now()', true),
            ('messages_consumed', 'partition_id', NULL, false),
            ('messages_consumed', 'consumer_group', $v$'__QUEUE_MODE__'$v$, true),
            ('messages_consumed', 'messages_completed', '0', true), ('messages_consumed', 'messages_failed', '0', true),
            ('messages_consumed', 'acked_at', 'now()', true),
            ('dead_letter_queue', 'message_id', NULL, false), ('dead_letter_queue', 'partition_id', NULL, false),
            ('dead_letter_queue', 'retry_count', '0', true), ('dead_letter_queue', 'failed_at', 'now()', true),
            ('retention_history', 'messages_deleted', '0', true),
            ('retention_history', 'retention_type', $v$'unknown'$v$, false),
            ('retention_history', 'executed_at', 'now()', true),
            ('message_traces', 'event_type', $v$'info'$v$, true), ('message_traces', 'created_at', 'now()', true),
            ('system_state', 'updated_at', 'now()', true),
            ('partition_lookup', 'updated_at', 'now()', true)
        ) AS c(tbl, col, fill, is_default) LOOP
        IF r.fill IS NOT NULL THEN
            EXECUTE format('UPDATE queen.%I SET %I = %s WHERE %I IS NULL', r.tbl, r.col, r.fill, r.col);
        END IF;
        IF r.is_default THEN
            EXECUTE format('ALTER TABLE queen.%I ALTER COLUMN %I SET DEFAULT %s', r.tbl, r.col, r.fill);
        END IF;
        EXECUTE format('ALTER TABLE queen.%I ALTER COLUMN %I SET NOT NULL', r.tbl, r.col);
    END LOOP;
    -- ids are always given by the push; a trace id only when the producer sent one
    ALTER TABLE queen.messages ALTER COLUMN id DROP DEFAULT, ALTER COLUMN trace_id DROP DEFAULT;

    -- The cursor rule: ours also allows a position made by a seek to a time (zero id, a time).
    FOR r IN SELECT conname FROM pg_constraint
             WHERE conrelid = 'queen.partition_consumers'::regclass AND contype = 'c' LOOP
        EXECUTE format('ALTER TABLE queen.partition_consumers DROP CONSTRAINT %I', r.conname);
    END LOOP;
    ALTER TABLE queen.partition_consumers ADD CONSTRAINT partition_consumers_cursor_consistent CHECK (
        (last_consumed_created_at IS NULL AND last_consumed_id = '00000000-0000-0000-0000-000000000000')
        OR last_consumed_created_at IS NOT NULL);

    -- Its indexes under our names, so the versioned migrations do not build them twice.
    FOR r IN SELECT * FROM (VALUES
            ('idx_messages_partition_created', 'idx_messages_partition_created_id'),
            ('idx_partition_lookup_partition_id', 'idx_partition_lookup_partition'),
            ('idx_partition_consumers_worker_id_active', 'idx_partition_consumers_worker'),
            ('idx_messages_consumed_consumer_acked', 'idx_messages_consumed_group_acked'),
            ('idx_dlq_consumer_group', 'idx_dlq_group'),
            ('idx_dlq_message_consumer', 'idx_dlq_message_group'),
            ('idx_message_traces_message_id', 'idx_message_traces_message'),
            ('idx_message_traces_transaction_partition', 'idx_message_traces_txn'),
            ('idx_message_traces_created_at', 'idx_message_traces_created'),
            ('idx_message_traces_partition_id', 'idx_message_traces_partition')
        ) AS i(theirs, ours) LOOP
        IF to_regclass('queen.' || r.theirs) IS NOT NULL AND to_regclass('queen.' || r.ours) IS NULL THEN
            EXECUTE format('ALTER INDEX queen.%I RENAME TO %I', r.theirs, r.ours);
        END IF;
    END LOOP;

    -- Discovery state. The reference updates partition_lookup after commit and reconciles it
    -- later, so it may miss the newest messages: rebuilt from the messages. Watermarks go, so
    -- that every consumer group registers again and walks the partitions that have messages.
    INSERT INTO queen.partition_lookup (queue_name, partition_id, last_message_id, last_message_created_at)
    SELECT q.name, last.partition_id, last.id, last.created_at
      FROM (SELECT DISTINCT ON (partition_id) partition_id, id, created_at
              FROM queen.messages ORDER BY partition_id, created_at DESC, id DESC) last
      JOIN queen.partitions p ON p.id = last.partition_id
      JOIN queen.queues q ON q.id = p.queue_id
    ON CONFLICT (queue_name, partition_id) DO UPDATE
       SET last_message_id = EXCLUDED.last_message_id,
           last_message_created_at = EXCLUDED.last_message_created_at,
           updated_at = now();
    DELETE FROM queen.consumer_watermarks;
END
$convert$;
