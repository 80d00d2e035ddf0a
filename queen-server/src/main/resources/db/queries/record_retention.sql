-- One retention_history row per (partition, retention type) of a job cycle. A partition
-- deleted in the meantime (queue deleted) is left out instead of failing the insert.
INSERT INTO queen.retention_history (partition_id, messages_deleted, retention_type)
SELECT u.pid, u.n, u.kind
  FROM unnest($1::uuid[], $2::integer[], $3::text[]) AS u(pid, n, kind)
 WHERE EXISTS (SELECT 1 FROM queen.partitions pt WHERE pt.id = u.pid)
