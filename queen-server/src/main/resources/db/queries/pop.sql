SELECT r_status, r_partition_id, r_partition, r_id, r_txn, r_trace, r_payload, r_producer, r_created_at
  FROM queen.pop_v2($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)
