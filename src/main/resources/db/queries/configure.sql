-- Full upsert: options left out of the request are reset to their defaults (spec 1.2).
WITH q AS (
    INSERT INTO queen.queues AS q
           (name, namespace, task, lease_time, max_queue_size, ttl, retry_limit, retry_delay,
            dead_letter_queue, dlq_after_max_retries, priority, delayed_processing, window_buffer,
            retention_seconds, completed_retention_seconds, retention_enabled, encryption_enabled,
            max_wait_time_seconds)
    VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18)
    ON CONFLICT (name) DO UPDATE SET
        namespace = EXCLUDED.namespace, task = EXCLUDED.task, lease_time = EXCLUDED.lease_time,
        max_queue_size = EXCLUDED.max_queue_size, ttl = EXCLUDED.ttl,
        retry_limit = EXCLUDED.retry_limit, retry_delay = EXCLUDED.retry_delay,
        dead_letter_queue = EXCLUDED.dead_letter_queue,
        dlq_after_max_retries = EXCLUDED.dlq_after_max_retries, priority = EXCLUDED.priority,
        delayed_processing = EXCLUDED.delayed_processing, window_buffer = EXCLUDED.window_buffer,
        retention_seconds = EXCLUDED.retention_seconds,
        completed_retention_seconds = EXCLUDED.completed_retention_seconds,
        retention_enabled = EXCLUDED.retention_enabled,
        encryption_enabled = EXCLUDED.encryption_enabled,
        max_wait_time_seconds = EXCLUDED.max_wait_time_seconds
    RETURNING q.*
), p AS (
    INSERT INTO queen.partitions (queue_id, name)
    SELECT q.id, 'Default' FROM q
    ON CONFLICT (queue_id, name) DO UPDATE SET name = EXCLUDED.name
    RETURNING id
)
SELECT q.*, p.id AS default_partition_id FROM q, p
