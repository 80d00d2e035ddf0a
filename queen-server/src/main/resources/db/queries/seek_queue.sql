-- Moves a group's cursor on every partition of a queue: to the newest message ($3 = true)
-- or to the newest message created at or before $4 (or just before $4 when there is none).
-- Partitions the group never read are included, so the seek holds for them too. Runs after
-- group_change_lock, group_forget_walks and group_lock_ready (ConsumerGroupAdmin).
WITH targets AS (
    SELECT pt.id AS pid,
           CASE WHEN $3 THEN pl.last_message_created_at ELSE coalesce(before.created_at, $4) END AS ts,
           CASE WHEN $3 THEN pl.last_message_id
                ELSE coalesce(before.id, '00000000-0000-0000-0000-000000000000'::uuid) END AS id
      FROM queen.queues q
      JOIN queen.partitions pt ON pt.queue_id = q.id
      LEFT JOIN queen.partition_lookup pl ON pl.partition_id = pt.id
      LEFT JOIN LATERAL (
            SELECT m.created_at, m.id FROM queen.messages m
             WHERE NOT $3 AND m.partition_id = pt.id AND m.created_at <= $4
             ORDER BY m.created_at DESC, m.id DESC LIMIT 1) before ON true
     WHERE q.name = $2 AND (NOT $3 OR pl.partition_id IS NOT NULL)
), moved AS (
    INSERT INTO queen.partition_consumers AS pc
           (partition_id, consumer_group, last_consumed_created_at, last_consumed_id, last_consumed_at)
    SELECT t.pid, $1, t.ts, t.id, now() FROM targets t
     ORDER BY t.pid
    ON CONFLICT (partition_id, consumer_group) DO UPDATE SET
        last_consumed_created_at = EXCLUDED.last_consumed_created_at,
        last_consumed_id = EXCLUDED.last_consumed_id,
        last_consumed_at = now(),
        lease_expires_at = NULL, lease_acquired_at = NULL, worker_id = NULL,
        batch_size = 0, acked_count = 0
    RETURNING pc.partition_id
), dirty AS (
    -- their statistics are refreshed at the job's next cycle, not at the next reconcile
    SELECT queen.stats_mark_dirty_v1(array_agg(m.partition_id)) FROM moved m
)
-- dirty is one row (an aggregate), read so that it runs
SELECT (SELECT count(*) FROM moved) AS partitions_updated FROM dirty
