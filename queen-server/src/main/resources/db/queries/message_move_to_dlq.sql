-- Moves a message to the DLQ ($1 partition id, $2 transaction id, $3 consumer group, $4 error).
SELECT outcome, queue_name, partition_name, stepped_over, waiting FROM queen.move_to_dlq_v1($1, $2, $3, $4)
