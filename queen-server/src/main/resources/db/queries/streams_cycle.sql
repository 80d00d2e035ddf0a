SELECT queue_name, state_ops_applied, ack_dlq, ack_lease_released, push_status, push_message_id,
       push_partition_id, push_trace_id, push_transaction_id, push_queue
  FROM queen.streams_commit_cycle_v1($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17,
                                     $18, $19)
