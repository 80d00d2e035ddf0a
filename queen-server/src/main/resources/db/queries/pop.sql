-- the creation time as microseconds since 1970: the server formats it from the number
SELECT r_status, r_partition_id, r_partition, r_id, r_txn, r_trace, r_payload, r_producer,
       (extract(epoch FROM r_created_at) * 1000000)::int8
  FROM queen.pop_v2($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)
