-- Core tables of the queen schema. Names follow the reference server so that its tooling,
-- its tests and an operator running both servers against one database see the same layout.
CREATE SCHEMA IF NOT EXISTS queen;

CREATE TABLE IF NOT EXISTS queen.queues (
    id                          uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    name                        text NOT NULL UNIQUE,
    namespace                   text NOT NULL DEFAULT '',
    task                        text NOT NULL DEFAULT '',
    priority                    integer NOT NULL DEFAULT 0,
    lease_time                  integer NOT NULL DEFAULT 300,
    retry_limit                 integer NOT NULL DEFAULT 3,
    retry_delay                 integer NOT NULL DEFAULT 1000,
    max_queue_size              integer NOT NULL DEFAULT 0,
    ttl                         integer NOT NULL DEFAULT 3600,
    dead_letter_queue           boolean NOT NULL DEFAULT false,
    dlq_after_max_retries       boolean NOT NULL DEFAULT false,
    delayed_processing          integer NOT NULL DEFAULT 0,
    window_buffer               integer NOT NULL DEFAULT 0,
    retention_seconds           integer NOT NULL DEFAULT 0,
    completed_retention_seconds integer NOT NULL DEFAULT 0,
    retention_enabled           boolean NOT NULL DEFAULT false,
    encryption_enabled          boolean NOT NULL DEFAULT false,
    max_wait_time_seconds       integer NOT NULL DEFAULT 0,
    created_at                  timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE IF NOT EXISTS queen.partitions (
    id            uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    queue_id      uuid NOT NULL REFERENCES queen.queues(id) ON DELETE CASCADE,
    name          text NOT NULL DEFAULT 'Default',
    created_at    timestamptz NOT NULL DEFAULT now(),
    last_activity timestamptz NOT NULL DEFAULT now(),
    UNIQUE (queue_id, name)
);

CREATE TABLE IF NOT EXISTS queen.messages (
    id             uuid PRIMARY KEY,
    transaction_id text NOT NULL,
    partition_id   uuid NOT NULL REFERENCES queen.partitions(id) ON DELETE CASCADE,
    payload        jsonb NOT NULL,
    trace_id       uuid,
    created_at     timestamptz NOT NULL DEFAULT now(),
    is_encrypted   boolean NOT NULL DEFAULT false,
    producer_sub   text
);
CREATE UNIQUE INDEX IF NOT EXISTS messages_partition_transaction_unique
    ON queen.messages (partition_id, transaction_id);
CREATE INDEX IF NOT EXISTS idx_messages_partition_created_id
    ON queen.messages (partition_id, created_at, id);

CREATE TABLE IF NOT EXISTS queen.partition_consumers (
    id                       uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    partition_id             uuid NOT NULL REFERENCES queen.partitions(id) ON DELETE CASCADE,
    consumer_group           text NOT NULL DEFAULT '__QUEUE_MODE__',
    last_consumed_id         uuid NOT NULL DEFAULT '00000000-0000-0000-0000-000000000000',
    last_consumed_created_at timestamptz,
    total_messages_consumed  bigint NOT NULL DEFAULT 0,
    total_batches_consumed   bigint NOT NULL DEFAULT 0,
    last_consumed_at         timestamptz,
    lease_expires_at         timestamptz,
    lease_acquired_at        timestamptz,
    worker_id                uuid,
    batch_size               integer NOT NULL DEFAULT 0,
    acked_count              integer NOT NULL DEFAULT 0,
    batch_retry_count        integer NOT NULL DEFAULT 0,
    message_batch            jsonb,
    pending_estimate         bigint NOT NULL DEFAULT 0,
    last_stats_update        timestamptz,
    created_at               timestamptz NOT NULL DEFAULT now(),
    UNIQUE (partition_id, consumer_group),
    CONSTRAINT partition_consumers_cursor_consistent CHECK (
        (last_consumed_created_at IS NULL AND last_consumed_id = '00000000-0000-0000-0000-000000000000')
        OR last_consumed_created_at IS NOT NULL)
) WITH (fillfactor = 50, autovacuum_vacuum_scale_factor = 0.01, autovacuum_vacuum_cost_delay = 0);
CREATE INDEX IF NOT EXISTS idx_partition_consumers_worker
    ON queen.partition_consumers (worker_id) WHERE worker_id IS NOT NULL;

CREATE TABLE IF NOT EXISTS queen.consumer_groups_metadata (
    id                     uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    consumer_group         text NOT NULL,
    queue_name             text NOT NULL DEFAULT '',
    partition_name         text NOT NULL DEFAULT '',
    namespace              text NOT NULL DEFAULT '',
    task                   text NOT NULL DEFAULT '',
    subscription_mode      text NOT NULL,
    subscription_timestamp timestamptz NOT NULL,
    created_at             timestamptz NOT NULL DEFAULT now(),
    UNIQUE (consumer_group, queue_name, partition_name, namespace, task)
);
CREATE INDEX IF NOT EXISTS idx_consumer_groups_metadata_lookup
    ON queen.consumer_groups_metadata (consumer_group, queue_name, namespace, task);

CREATE TABLE IF NOT EXISTS queen.consumer_watermarks (
    queue_name         text NOT NULL,
    consumer_group     text NOT NULL,
    last_empty_scan_at timestamptz NOT NULL DEFAULT 'epoch',
    updated_at         timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (queue_name, consumer_group)
);

CREATE TABLE IF NOT EXISTS queen.partition_lookup (
    id                      uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    queue_name              text NOT NULL REFERENCES queen.queues(name) ON DELETE CASCADE,
    partition_id            uuid NOT NULL REFERENCES queen.partitions(id) ON DELETE CASCADE,
    last_message_id         uuid NOT NULL,
    last_message_created_at timestamptz NOT NULL,
    updated_at              timestamptz NOT NULL DEFAULT now(),
    UNIQUE (queue_name, partition_id)
) WITH (fillfactor = 50, autovacuum_vacuum_scale_factor = 0.01, autovacuum_vacuum_cost_delay = 0);
CREATE INDEX IF NOT EXISTS idx_partition_lookup_partition ON queen.partition_lookup (partition_id);

CREATE TABLE IF NOT EXISTS queen.messages_consumed (
    id                 uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    partition_id       uuid NOT NULL REFERENCES queen.partitions(id) ON DELETE CASCADE,
    consumer_group     text NOT NULL DEFAULT '__QUEUE_MODE__',
    messages_completed integer NOT NULL DEFAULT 0,
    messages_failed    integer NOT NULL DEFAULT 0,
    acked_at           timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX IF NOT EXISTS idx_messages_consumed_acked_at ON queen.messages_consumed (acked_at);
CREATE INDEX IF NOT EXISTS idx_messages_consumed_partition_acked ON queen.messages_consumed (partition_id, acked_at);
CREATE INDEX IF NOT EXISTS idx_messages_consumed_group_acked ON queen.messages_consumed (consumer_group, acked_at);

CREATE TABLE IF NOT EXISTS queen.dead_letter_queue (
    id                  uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    message_id          uuid NOT NULL REFERENCES queen.messages(id) ON DELETE CASCADE,
    partition_id        uuid NOT NULL REFERENCES queen.partitions(id) ON DELETE CASCADE,
    consumer_group      text,
    error_message       text,
    retry_count         integer NOT NULL DEFAULT 0,
    original_created_at timestamptz,
    failed_at           timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX IF NOT EXISTS idx_dlq_partition ON queen.dead_letter_queue (partition_id);
CREATE INDEX IF NOT EXISTS idx_dlq_group ON queen.dead_letter_queue (consumer_group);
CREATE INDEX IF NOT EXISTS idx_dlq_failed_at ON queen.dead_letter_queue (failed_at);
CREATE INDEX IF NOT EXISTS idx_dlq_message_group ON queen.dead_letter_queue (message_id, consumer_group);

CREATE TABLE IF NOT EXISTS queen.retention_history (
    id               uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    partition_id     uuid REFERENCES queen.partitions(id) ON DELETE CASCADE,
    messages_deleted integer NOT NULL DEFAULT 0,
    retention_type   text NOT NULL,
    executed_at      timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE IF NOT EXISTS queen.system_state (
    key        text PRIMARY KEY,
    value      jsonb NOT NULL,
    updated_at timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE IF NOT EXISTS queen.message_traces (
    id             uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    message_id     uuid REFERENCES queen.messages(id) ON DELETE CASCADE,
    partition_id   uuid REFERENCES queen.partitions(id) ON DELETE CASCADE,
    transaction_id text NOT NULL,
    consumer_group text,
    event_type     text NOT NULL DEFAULT 'info',
    data           jsonb NOT NULL,
    created_at     timestamptz NOT NULL DEFAULT now(),
    worker_id      text
);
CREATE INDEX IF NOT EXISTS idx_message_traces_message ON queen.message_traces (message_id);
CREATE INDEX IF NOT EXISTS idx_message_traces_txn ON queen.message_traces (transaction_id, partition_id);
CREATE INDEX IF NOT EXISTS idx_message_traces_created ON queen.message_traces (created_at);

CREATE TABLE IF NOT EXISTS queen.message_trace_names (
    trace_id   uuid NOT NULL REFERENCES queen.message_traces(id) ON DELETE CASCADE,
    trace_name text NOT NULL,
    PRIMARY KEY (trace_id, trace_name)
);
CREATE INDEX IF NOT EXISTS idx_message_trace_names_name ON queen.message_trace_names (trace_name);
