-- Deleting a queue, first step, repeated: up to $2 of queue $1's partitions go (their
-- messages, cursors, lookup, ready and statistics rows cascade), so that a queue with a
-- million partitions is removed in statements that each stay far below the statement
-- timeout. Partitions a push holds right now are left for the final step. Answers how many
-- went. The streams state kept for them goes too (it has no foreign key to them).
WITH doomed AS (
    SELECT pt.id
      FROM queen.partitions pt
     WHERE pt.queue_id = (SELECT q.id FROM queen.queues q WHERE q.name = $1)
     ORDER BY pt.id
     LIMIT $2
       FOR UPDATE SKIP LOCKED
), stream_state AS (
    DELETE FROM queen_streams.state s WHERE s.partition_id IN (SELECT d.id FROM doomed d)
), gone AS (
    DELETE FROM queen.partitions pt WHERE pt.id IN (SELECT d.id FROM doomed d) RETURNING 1
)
SELECT count(*)::integer AS deleted FROM gone
