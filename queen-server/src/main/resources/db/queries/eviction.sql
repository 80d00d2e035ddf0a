-- Eviction: deletes up to $1 messages older than their queue's maxWaitTimeSeconds that are
-- not consumed yet. A message counts as consumed when every consumer group with a row on
-- the partition has its cursor at or after it; with no row at all, or a group without a
-- cursor, nothing on the partition is consumed. (The lowest cursor decides; a NULL cursor
-- sorts first.) Only the partitions of the slice after $2 (the nil uuid: from the first) up to $3
-- (see JobWalks). Returns the deleted count per partition.
WITH floors AS (
    SELECT pt.id AS pid, q.max_wait_time_seconds AS secs, low.ts, low.id
      FROM queen.queues q
      JOIN queen.partitions pt ON pt.queue_id = q.id
      LEFT JOIN LATERAL (
            SELECT pc.last_consumed_created_at AS ts, pc.last_consumed_id AS id
              FROM queen.partition_consumers pc
             WHERE pc.partition_id = pt.id
             ORDER BY pc.last_consumed_created_at NULLS FIRST, pc.last_consumed_id
             LIMIT 1) low ON true
     WHERE q.max_wait_time_seconds > 0
       AND pt.id > $2::uuid AND pt.id <= $3::uuid
), doomed AS (
    SELECT m.id
      FROM floors f
      JOIN queen.messages m
        ON m.partition_id = f.pid
       AND m.created_at < now() - make_interval(secs => f.secs)
       AND (f.ts IS NULL OR (m.created_at, m.id) > (f.ts, f.id))
     LIMIT $1
)
SELECT partition_id, deleted
  FROM queen.delete_messages_v1(ARRAY(SELECT doomed.id FROM doomed))
