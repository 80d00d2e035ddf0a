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
    RETURNING pc.last_consumed_id
)
SELECT (SELECT count(*) FROM target) > 0 AS found,
       (SELECT count(*) FROM moved) AS updated,
       (SELECT last_consumed_id FROM moved LIMIT 1) AS cursor_id
