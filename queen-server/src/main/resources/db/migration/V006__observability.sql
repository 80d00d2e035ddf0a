-- Observability tables: pre-computed statistics the status and analytics endpoints read
-- instead of scanning messages, and per-minute metrics every server writes. Names and columns
-- follow the reference server so its dashboard queries and an operator's SQL keep working.
-- None of these tables is touched by push, pop or ack: they are written by background work.

-- Current counts, one row per partition and consumer group ("<partition_id>:<group>") and
-- roll-ups per queue, namespace, task and for the whole system. Written by the stats job.
CREATE TABLE IF NOT EXISTS queen.stats (
    stat_type                 text NOT NULL CHECK (stat_type IN ('system', 'namespace', 'task', 'queue', 'partition')),
    stat_key                  text NOT NULL,
    queue_id                  uuid REFERENCES queen.queues(id) ON DELETE CASCADE,
    partition_id              uuid REFERENCES queen.partitions(id) ON DELETE CASCADE,
    consumer_group            text,
    child_count               integer NOT NULL DEFAULT 0,
    total_messages            bigint NOT NULL DEFAULT 0,
    pending_messages          bigint NOT NULL DEFAULT 0,
    processing_messages       bigint NOT NULL DEFAULT 0,
    completed_messages        bigint NOT NULL DEFAULT 0,
    dead_letter_messages      bigint NOT NULL DEFAULT 0,
    oldest_pending_at         timestamptz,
    newest_message_at         timestamptz,
    avg_lag_seconds           double precision,
    max_lag_seconds           double precision,
    median_lag_seconds        double precision,
    avg_offset_lag            double precision,
    max_offset_lag            bigint,
    ingested_per_second       double precision NOT NULL DEFAULT 0,
    processed_per_second      double precision NOT NULL DEFAULT 0,
    prev_total_messages       bigint,
    prev_completed_messages   bigint,
    prev_computed_at          timestamptz,
    last_scanned_at           timestamptz,
    last_scanned_message_id   uuid,
    last_computed_at          timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (stat_type, stat_key)
);
CREATE INDEX IF NOT EXISTS idx_stats_queue ON queen.stats (queue_id) WHERE queue_id IS NOT NULL;
CREATE INDEX IF NOT EXISTS idx_stats_partition ON queen.stats (partition_id) WHERE partition_id IS NOT NULL;

-- Snapshots of the stats counters, one per stat row and minute bucket.
CREATE TABLE IF NOT EXISTS queen.stats_history (
    stat_type            text NOT NULL,
    stat_key             text NOT NULL,
    bucket_time          timestamptz NOT NULL,
    total_messages       bigint NOT NULL DEFAULT 0,
    pending_messages     bigint NOT NULL DEFAULT 0,
    processing_messages  bigint NOT NULL DEFAULT 0,
    completed_messages   bigint NOT NULL DEFAULT 0,
    dead_letter_messages bigint NOT NULL DEFAULT 0,
    ingested_per_second  double precision NOT NULL DEFAULT 0,
    processed_per_second double precision NOT NULL DEFAULT 0,
    PRIMARY KEY (stat_type, stat_key, bucket_time)
);
CREATE INDEX IF NOT EXISTS idx_stats_history_bucket ON queen.stats_history (bucket_time);

-- One row per server worker and minute; workers add their counters into the current minute's
-- row (upsert), so a flush more often than once a minute is harmless.
CREATE TABLE IF NOT EXISTS queen.worker_metrics (
    hostname                 text NOT NULL,
    worker_id                integer NOT NULL,
    pid                      integer NOT NULL,
    bucket_time              timestamptz NOT NULL,
    sample_count             integer NOT NULL DEFAULT 0,
    avg_event_loop_lag_ms    double precision NOT NULL DEFAULT 0,
    max_event_loop_lag_ms    double precision NOT NULL DEFAULT 0,
    avg_free_slots           double precision NOT NULL DEFAULT 0,
    min_free_slots           integer NOT NULL DEFAULT 0,
    db_connections           integer NOT NULL DEFAULT 0,
    avg_job_queue_size       double precision NOT NULL DEFAULT 0,
    max_job_queue_size       integer NOT NULL DEFAULT 0,
    backoff_size             integer NOT NULL DEFAULT 0,
    push_request_count       bigint NOT NULL DEFAULT 0,
    pop_request_count        bigint NOT NULL DEFAULT 0,
    ack_request_count        bigint NOT NULL DEFAULT 0,
    transaction_count        bigint NOT NULL DEFAULT 0,
    push_message_count       bigint NOT NULL DEFAULT 0,
    pop_message_count        bigint NOT NULL DEFAULT 0,
    ack_message_count        bigint NOT NULL DEFAULT 0,
    ack_success_count        bigint NOT NULL DEFAULT 0,
    ack_failed_count         bigint NOT NULL DEFAULT 0,
    lag_count                bigint NOT NULL DEFAULT 0,
    avg_lag_ms               double precision NOT NULL DEFAULT 0,
    max_lag_ms               bigint NOT NULL DEFAULT 0,
    db_error_count           bigint NOT NULL DEFAULT 0,
    dlq_count                bigint NOT NULL DEFAULT 0,
    jobs_done                bigint NOT NULL DEFAULT 0,
    updated_at               timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (hostname, worker_id, pid, bucket_time)
);
CREATE INDEX IF NOT EXISTS idx_worker_metrics_bucket ON queen.worker_metrics (bucket_time);

-- Lifetime totals over all workers, kept by a trigger so a scrape reads one row.
CREATE TABLE IF NOT EXISTS queen.worker_metrics_summary (
    id                  integer PRIMARY KEY CHECK (id = 1),
    total_push_requests bigint NOT NULL DEFAULT 0,
    total_pop_requests  bigint NOT NULL DEFAULT 0,
    total_ack_requests  bigint NOT NULL DEFAULT 0,
    total_transactions  bigint NOT NULL DEFAULT 0,
    total_push_messages bigint NOT NULL DEFAULT 0,
    total_pop_messages  bigint NOT NULL DEFAULT 0,
    total_ack_messages  bigint NOT NULL DEFAULT 0,
    total_ack_success   bigint NOT NULL DEFAULT 0,
    total_ack_failed    bigint NOT NULL DEFAULT 0,
    total_db_errors     bigint NOT NULL DEFAULT 0,
    total_dlq           bigint NOT NULL DEFAULT 0,
    last_updated_at     timestamptz NOT NULL DEFAULT now()
);
INSERT INTO queen.worker_metrics_summary (id) VALUES (1) ON CONFLICT (id) DO NOTHING;

-- Per queue and minute, summed over all workers of all servers.
CREATE TABLE IF NOT EXISTS queen.queue_lag_metrics (
    bucket_time        timestamptz NOT NULL,
    queue_name         text NOT NULL,
    pop_count          bigint NOT NULL DEFAULT 0,
    avg_lag_ms         double precision NOT NULL DEFAULT 0,
    max_lag_ms         bigint NOT NULL DEFAULT 0,
    push_request_count bigint NOT NULL DEFAULT 0,
    push_message_count bigint NOT NULL DEFAULT 0,
    pop_empty_count    bigint NOT NULL DEFAULT 0,
    ack_request_count  bigint NOT NULL DEFAULT 0,
    ack_success_count  bigint NOT NULL DEFAULT 0,
    ack_failed_count   bigint NOT NULL DEFAULT 0,
    transaction_count  bigint NOT NULL DEFAULT 0,
    partitions_created bigint NOT NULL DEFAULT 0,
    partitions_deleted bigint NOT NULL DEFAULT 0,
    partition_count    bigint NOT NULL DEFAULT 0,
    parked_count       double precision NOT NULL DEFAULT 0,
    updated_at         timestamptz NOT NULL DEFAULT now(),
    UNIQUE (bucket_time, queue_name)
);
CREATE INDEX IF NOT EXISTS idx_queue_lag_metrics_queue ON queen.queue_lag_metrics (queue_name, bucket_time);

-- Minute average of long-polls parked on one worker of one server, per queue.
CREATE TABLE IF NOT EXISTS queen.queue_parked_replica (
    bucket_time  timestamptz NOT NULL,
    queue_name   text NOT NULL,
    hostname     text NOT NULL,
    worker_id    text NOT NULL,
    parked_count double precision NOT NULL DEFAULT 0,
    updated_at   timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (bucket_time, queue_name, hostname, worker_id)
);

-- Process metrics per server (replica) and minute; `metrics` holds avg/min/max/last per value.
CREATE TABLE IF NOT EXISTS queen.system_metrics (
    id           uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    timestamp    timestamptz NOT NULL,
    hostname     text NOT NULL,
    port         integer NOT NULL,
    worker_id    text NOT NULL DEFAULT '',
    sample_count integer NOT NULL DEFAULT 0,
    metrics      jsonb NOT NULL,
    created_at   timestamptz NOT NULL DEFAULT now(),
    UNIQUE (timestamp, hostname, port, worker_id)
);
CREATE INDEX IF NOT EXISTS idx_system_metrics_timestamp ON queen.system_metrics (timestamp);
