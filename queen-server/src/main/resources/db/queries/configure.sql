-- Full upsert (spec 1.2): NULL options are reset to their defaults (queen.configure_queue_v1).
SELECT (c.queue).*, c.default_partition_id
  FROM queen.configure_queue_v1($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18) c
