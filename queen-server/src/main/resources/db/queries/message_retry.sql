-- Requeues a dead-lettered message ($1 partition id, $2 transaction id, $3 id of the copy).
SELECT outcome, queue_name, partition_name, message_id, groups FROM queen.retry_message_v1($1, $2, $3)
