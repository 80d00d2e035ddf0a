SELECT query_id, outcome FROM queen.streams_register_v1($1, $2, $3, $4, $5)
