-- Deleting a queue, first step, repeated: up to $2 of queue $1's partitions (see
-- queen.delete_queue_partitions_v1). Answers how many went.
SELECT queen.delete_queue_partitions_v1($1, $2) AS deleted
