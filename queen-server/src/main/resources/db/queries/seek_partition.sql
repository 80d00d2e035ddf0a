-- Moves a group's cursor on one partition to its newest message.
WITH target AS (
    SELECT pt.id AS pid, pl.last_message_created_at AS ts, pl.last_message_id AS id
      FROM queen.queues q
      JOIN queen.partitions pt ON pt.queue_id = q.id
      LEFT JOIN queen.partition_lookup pl ON pl.partition_id = pt.id
     WHERE q.name = $2 AND pt.name = $3
), moved AS (
    INSERT INTO queen.partition_consumers AS pc
           (partition_id, consumer_group, last_consumed_created_at, last_consumed_id, last_consumed_at)
    SELECT t.pid, $1, t.ts, coalesce(t.id, '00000000-0000-0000-0000-000000000000'::uuid), now()
      FROM target t
    ON CONFLICT (partition_id, consumer_group) DO UPDATE SET
        last_consumed_created_at = coalesce(EXCLUDED.last_consumed_created_at, pc.last_consumed_created_at),
        last_consumed_id = CASE WHEN EXCLUDED.last_consumed_created_at IS NULL THEN pc.last_consumed_id
                                ELSE EXCLUDED.last_consumed_id END,
        last_consumed_at = now(),
        lease_expires_at = NULL, lease_acquired_at = NULL, worker_id = NULL,
        batch_size = 0, acked_count = 0
    RETURNING pc.partition_id, pc.last_consumed_id
), dirty AS (
    -- its statistics are refreshed at the job's next cycle, not at the next reconcile
    SELECT queen.stats_mark_dirty_v1(array_agg(m.partition_id)) FROM moved m
)
-- dirty is one row (an aggregate), read so that it runs
SELECT (SELECT count(*) FROM target) > 0 AS found,
       (SELECT count(*) FROM moved) AS updated,
       (SELECT last_consumed_id FROM moved LIMIT 1) AS cursor_id
  FROM dirty
