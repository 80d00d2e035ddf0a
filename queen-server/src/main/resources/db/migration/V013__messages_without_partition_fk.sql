-- Issue 15: the foreign key from messages to partitions checked every pushed row against its
-- partition (a quarter of PostgreSQL's work per inserted row, measured), although the push has
-- just locked that partition row itself. The push's lock keeps a partition from being deleted
-- under it, and every deletion of partitions deletes their messages explicitly
-- (queen.delete_queue_v1, queen.delete_queue_partitions_v1, the inactive-partition cleanup
-- deletes only partitions without messages).
ALTER TABLE queen.messages DROP CONSTRAINT IF EXISTS messages_partition_id_fkey;
