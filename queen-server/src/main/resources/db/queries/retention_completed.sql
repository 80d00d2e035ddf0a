-- Retention, step 2: deletes up to $1 messages older than their queue's
-- completedRetentionSeconds (queues with retentionEnabled) that every consumer group with a
-- row on the partition has consumed: at or before the lowest cursor. A partition where some
-- group has no cursor yet sorts that NULL first and is left alone. Only the partitions of the
-- slice after $2 (the nil uuid: from the first) up to $3 (see JobWalks).
-- Returns the deleted count per partition.
WITH floors AS (
    SELECT pt.id AS pid, q.completed_retention_seconds AS secs, low.ts, low.id
      FROM queen.queues q
      JOIN queen.partitions pt ON pt.queue_id = q.id
      JOIN LATERAL (
            SELECT pc.last_consumed_created_at AS ts, pc.last_consumed_id AS id
              FROM queen.partition_consumers pc
             WHERE pc.partition_id = pt.id
             ORDER BY pc.last_consumed_created_at NULLS FIRST, pc.last_consumed_id
             LIMIT 1) low ON low.ts IS NOT NULL
     WHERE q.retention_enabled AND q.completed_retention_seconds > 0
       AND pt.id > $2::uuid AND pt.id <= $3::uuid
), doomed AS (
    SELECT m.id
      FROM floors f
      JOIN queen.messages m
        ON m.partition_id = f.pid
       AND (m.created_at, m.id) <= (f.ts, f.id)
       AND m.created_at < now() - make_interval(secs => f.secs)
     LIMIT $1
)
SELECT partition_id, deleted
  FROM queen.delete_messages_v1(ARRAY(SELECT doomed.id FROM doomed))
