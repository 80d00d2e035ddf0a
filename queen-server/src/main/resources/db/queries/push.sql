SELECT idx, status, message_id, partition_id, trace_id, transaction_id, queue_name
  FROM queen.push_batch_v2($1, $2, $3, $4, $5, $6, $7, $8)
