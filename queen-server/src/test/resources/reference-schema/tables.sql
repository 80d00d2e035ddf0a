-- A database as the reference Queen server (0.15) leaves it, for ReferenceUpgradeTest: the
-- tables of spec 2.1 with the reference's column types (varchar(255) names, the lease id as
-- text, nullable columns with defaults), its index names, a trigger, a view and functions
-- whose names collide with ours under other signatures. Written for the test, from the spec.
CREATE SCHEMA queen;

CREATE TABLE queen.queues (
    id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    name varchar(255) UNIQUE NOT NULL,
    namespace varchar(255),
    task varchar(255),
    priority integer DEFAULT 0,
    lease_time integer DEFAULT 300,
    retry_limit integer DEFAULT 3,
    retry_delay integer DEFAULT 1000,
    ttl integer DEFAULT 3600,
    dead_letter_queue boolean DEFAULT false,
    dlq_after_max_retries boolean DEFAULT false,
    delayed_processing integer DEFAULT 0,
    window_buffer integer DEFAULT 0,
    retention_seconds integer DEFAULT 0,
    completed_retention_seconds integer DEFAULT 0,
    retention_enabled boolean DEFAULT false,
    encryption_enabled boolean DEFAULT false,
    max_wait_time_seconds integer DEFAULT 0,
    max_queue_size integer DEFAULT 0,
    created_at timestamptz DEFAULT now()
);
CREATE INDEX idx_queues_name ON queen.queues (name);

CREATE TABLE queen.partitions (
    id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    queue_id uuid REFERENCES queen.queues (id) ON DELETE CASCADE,
    name varchar(255) NOT NULL DEFAULT 'Default',
    created_at timestamptz DEFAULT now(),
    last_activity timestamptz DEFAULT now(),
    UNIQUE (queue_id, name)
);

CREATE TABLE queen.messages (
    id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    transaction_id varchar(255) NOT NULL,
    trace_id uuid DEFAULT gen_random_uuid(),
    partition_id uuid REFERENCES queen.partitions (id) ON DELETE CASCADE,
    payload jsonb NOT NULL,
    created_at timestamptz DEFAULT now(),
    is_encrypted boolean DEFAULT false,
    producer_sub text
);
CREATE UNIQUE INDEX messages_partition_transaction_unique ON queen.messages (partition_id, transaction_id);
CREATE INDEX idx_messages_partition_created ON queen.messages (partition_id, created_at, id);

CREATE TABLE queen.partition_consumers (
    id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    partition_id uuid REFERENCES queen.partitions (id) ON DELETE CASCADE,
    consumer_group varchar(255) DEFAULT '__QUEUE_MODE__',
    last_consumed_id uuid DEFAULT '00000000-0000-0000-0000-000000000000',
    last_consumed_created_at timestamptz,
    total_messages_consumed bigint DEFAULT 0,
    total_batches_consumed bigint DEFAULT 0,
    last_consumed_at timestamptz,
    lease_expires_at timestamptz,
    lease_acquired_at timestamptz,
    message_batch jsonb,
    batch_size integer DEFAULT 0,
    acked_count integer DEFAULT 0,
    worker_id varchar(255),
    pending_estimate bigint DEFAULT 0,
    last_stats_update timestamptz,
    batch_retry_count integer DEFAULT 0,
    created_at timestamptz DEFAULT now(),
    UNIQUE (partition_id, consumer_group),
    CHECK ((last_consumed_id = '00000000-0000-0000-0000-000000000000' AND last_consumed_created_at IS NULL)
        OR (last_consumed_id <> '00000000-0000-0000-0000-000000000000' AND last_consumed_created_at IS NOT NULL))
);
CREATE INDEX idx_partition_consumers_worker_id_active ON queen.partition_consumers (worker_id)
    WHERE worker_id IS NOT NULL;

CREATE TABLE queen.consumer_groups_metadata (
    id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    consumer_group text NOT NULL,
    queue_name text NOT NULL DEFAULT '',
    partition_name text NOT NULL DEFAULT '',
    namespace text NOT NULL DEFAULT '',
    task text NOT NULL DEFAULT '',
    subscription_mode text NOT NULL,
    subscription_timestamp timestamptz NOT NULL,
    created_at timestamptz NOT NULL DEFAULT now(),
    UNIQUE (consumer_group, queue_name, partition_name, namespace, task)
);

CREATE TABLE queen.consumer_watermarks (
    queue_name varchar(255) NOT NULL,
    consumer_group varchar(255) NOT NULL DEFAULT '__QUEUE_MODE__',
    last_empty_scan_at timestamptz NOT NULL DEFAULT 'epoch',
    updated_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (queue_name, consumer_group)
);

CREATE TABLE queen.messages_consumed (
    id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    partition_id uuid REFERENCES queen.partitions (id) ON DELETE CASCADE,
    consumer_group varchar(255) NOT NULL,
    messages_completed integer DEFAULT 0,
    messages_failed integer DEFAULT 0,
    acked_at timestamptz DEFAULT now()
);
CREATE INDEX idx_messages_consumed_consumer_acked ON queen.messages_consumed (consumer_group, acked_at DESC);

CREATE TABLE queen.dead_letter_queue (
    id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    message_id uuid REFERENCES queen.messages (id) ON DELETE CASCADE,
    partition_id uuid REFERENCES queen.partitions (id) ON DELETE CASCADE,
    consumer_group varchar(255),
    error_message text,
    retry_count integer DEFAULT 0,
    original_created_at timestamptz,
    failed_at timestamptz DEFAULT now()
);
CREATE INDEX idx_dlq_consumer_group ON queen.dead_letter_queue (consumer_group);
CREATE INDEX idx_dlq_message_consumer ON queen.dead_letter_queue (message_id, consumer_group);

CREATE TABLE queen.retention_history (
    id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    partition_id uuid REFERENCES queen.partitions (id) ON DELETE CASCADE,
    messages_deleted integer DEFAULT 0,
    retention_type varchar(50),
    executed_at timestamptz DEFAULT now()
);

CREATE TABLE queen.system_metrics (
    id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    timestamp timestamptz NOT NULL,
    hostname text NOT NULL,
    port integer NOT NULL,
    worker_id text NOT NULL,
    sample_count integer NOT NULL DEFAULT 60,
    metrics jsonb NOT NULL,
    UNIQUE (timestamp, hostname, port, worker_id)
);

CREATE TABLE queen.message_traces (
    id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    message_id uuid REFERENCES queen.messages (id) ON DELETE CASCADE,
    partition_id uuid REFERENCES queen.partitions (id) ON DELETE CASCADE,
    transaction_id varchar(255) NOT NULL,
    consumer_group varchar(255),
    event_type varchar(100),
    data jsonb NOT NULL,
    created_at timestamptz DEFAULT now(),
    worker_id varchar(255)
);
CREATE INDEX idx_message_traces_message_id ON queen.message_traces (message_id);

CREATE TABLE queen.message_trace_names (
    trace_id uuid REFERENCES queen.message_traces (id) ON DELETE CASCADE,
    trace_name text NOT NULL,
    PRIMARY KEY (trace_id, trace_name)
);

CREATE TABLE queen.system_state (
    key text PRIMARY KEY,
    value jsonb NOT NULL,
    updated_at timestamptz DEFAULT now()
);

CREATE TABLE queen.partition_lookup (
    id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    queue_name varchar(255) NOT NULL REFERENCES queen.queues (name) ON DELETE CASCADE,
    partition_id uuid NOT NULL REFERENCES queen.partitions (id) ON DELETE CASCADE,
    last_message_id uuid NOT NULL,
    last_message_created_at timestamptz NOT NULL,
    updated_at timestamptz DEFAULT now(),
    UNIQUE (queue_name, partition_id)
);
CREATE INDEX idx_partition_lookup_partition_id ON queen.partition_lookup (partition_id);

-- derived tables in the reference's own shapes
CREATE TABLE queen.stats (
    stat_type varchar(20) NOT NULL,
    stat_key varchar(512) NOT NULL,
    queue_id uuid REFERENCES queen.queues (id) ON DELETE CASCADE,
    partition_id uuid REFERENCES queen.partitions (id) ON DELETE CASCADE,
    consumer_group varchar(255) DEFAULT '__QUEUE_MODE__',
    total_messages bigint NOT NULL DEFAULT 0,
    pending_messages bigint NOT NULL DEFAULT 0,
    ingested_per_second numeric(10, 2) DEFAULT 0,
    prev_snapshot_at timestamptz,
    last_computed_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (stat_type, stat_key)
);
CREATE TABLE queen.worker_metrics (
    id bigserial PRIMARY KEY,
    hostname varchar(255) NOT NULL,
    worker_id integer NOT NULL,
    bucket_time timestamptz NOT NULL,
    push_request_count bigint DEFAULT 0
);
CREATE TABLE queen.queue_lag_metrics (
    bucket_time timestamptz NOT NULL,
    queue_name varchar(255) NOT NULL,
    pop_count bigint DEFAULT 0,
    UNIQUE (bucket_time, queue_name)
);

-- a statement-level counter trigger on partitions, as the reference keeps
CREATE FUNCTION queen.count_partitions_created() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO queen.queue_lag_metrics (bucket_time, queue_name, pop_count)
    VALUES (date_trunc('minute', now()), 'partitions', 1)
    ON CONFLICT (bucket_time, queue_name) DO UPDATE SET pop_count = queen.queue_lag_metrics.pop_count + 1;
    RETURN NULL;
END $$;
CREATE TRIGGER trg_partitions_created AFTER INSERT ON queen.partitions
    FOR EACH STATEMENT EXECUTE FUNCTION queen.count_partitions_created();

-- functions under names this server also uses, with other signatures or result types
CREATE FUNCTION queen.push_messages_v2(items jsonb) RETURNS TABLE (message_id text, transaction_id text)
    LANGUAGE sql AS $$ SELECT NULL::text, NULL::text WHERE false $$;
CREATE FUNCTION queen.lease_id_v1(worker text) RETURNS text LANGUAGE sql AS $$ SELECT worker $$;
CREATE FUNCTION queen.pop_specific_batch(requests jsonb) RETURNS jsonb LANGUAGE sql AS $$ SELECT '[]'::jsonb $$;
CREATE FUNCTION queen.uuid_generate_v7() RETURNS uuid LANGUAGE sql AS $$ SELECT gen_random_uuid() $$;

-- a view over a column whose type changes
CREATE VIEW queen.queue_overview AS
    SELECT q.name, count(p.id) AS partitions FROM queen.queues q LEFT JOIN queen.partitions p ON p.queue_id = q.id
     GROUP BY q.name;

-- the streaming SDK's schema, as spec 2.2 describes it, with the reference's function names
CREATE SCHEMA queen_streams;
CREATE TABLE queen_streams.queries (
    id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    name text UNIQUE NOT NULL,
    source_queue text NOT NULL,
    sink_queue text,
    config_hash text NOT NULL,
    created_at timestamptz DEFAULT now(),
    updated_at timestamptz DEFAULT now()
);
CREATE TABLE queen_streams.state (
    query_id uuid NOT NULL REFERENCES queen_streams.queries(id) ON DELETE CASCADE,
    partition_id uuid NOT NULL,
    key text NOT NULL,
    value jsonb NOT NULL,
    updated_at timestamptz DEFAULT now(),
    PRIMARY KEY (query_id, partition_id, key)
);
CREATE INDEX idx_streams_state_updated_at ON queen_streams.state (updated_at);
CREATE FUNCTION queen.streams_register_query_v1(requests jsonb) RETURNS jsonb LANGUAGE sql AS $$ SELECT '[]'::jsonb $$;
CREATE FUNCTION queen.streams_cycle_v1(requests jsonb) RETURNS jsonb LANGUAGE sql AS $$ SELECT '[]'::jsonb $$;
CREATE FUNCTION queen.streams_state_get_v1(requests jsonb) RETURNS jsonb LANGUAGE sql AS $$ SELECT '[]'::jsonb $$;
