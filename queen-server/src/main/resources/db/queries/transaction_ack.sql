SELECT queen.transaction_ack_v1($1, $2, $3, $4, $5, $6) AS dlq
