-- Retention, step 1: deletes up to $1 messages older than their queue's retentionSeconds
-- (queues with retentionEnabled), consumed or not, in the partitions of the slice after $2
-- (the nil uuid: from the first) up to $3 (see JobWalks). One short transaction per batch.
-- Returns the deleted count per partition.
WITH doomed AS (
    SELECT m.id
      FROM queen.queues q
      JOIN queen.partitions pt ON pt.queue_id = q.id
      JOIN queen.messages m
        ON m.partition_id = pt.id
       AND m.created_at < now() - make_interval(secs => q.retention_seconds)
     WHERE q.retention_enabled AND q.retention_seconds > 0
       AND pt.id > $2::uuid AND pt.id <= $3::uuid
     LIMIT $1
)
SELECT partition_id, deleted
  FROM queen.delete_messages_v1(ARRAY(SELECT doomed.id FROM doomed))
