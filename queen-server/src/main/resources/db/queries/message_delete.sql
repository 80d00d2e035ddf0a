-- Deletes one message ($1 partition id, $2 transaction id); its DLQ rows and traces cascade.
DELETE FROM queen.messages WHERE partition_id = $1 AND transaction_id = $2 RETURNING id
