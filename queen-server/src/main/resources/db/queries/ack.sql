SELECT idx, transaction_id, success, error, queue_name, partition_name, lease_released, dlq
  FROM queen.ack_batch_v1($1, $2, $3, $4, $5, $6)
