-- The partitions of streams query $1: those it keeps state for and those its consumer group
-- (streams.<name>) has a cursor on, with the state's size and the cursor's progress.
WITH query AS (
    SELECT q.id, 'streams.' || q.name AS consumer_group FROM queen_streams.queries q WHERE q.name = $1
), state AS (
    SELECT s.partition_id, count(*) AS state_rows,
           sum(pg_column_size(s.value) + octet_length(s.key))::bigint AS state_bytes,
           max(s.updated_at) AS last_state_update
      FROM queen_streams.state s
     WHERE s.query_id = (SELECT id FROM query)
     GROUP BY s.partition_id
), cursor AS (
    SELECT c.partition_id, c.total_messages_consumed, c.last_consumed_at,
           c.lease_expires_at > now() AS lease_active
      FROM queen.partition_consumers c
     WHERE c.consumer_group = (SELECT consumer_group FROM query)
)
SELECT coalesce(st.partition_id, cu.partition_id) AS partition_id, pt.name AS partition_name,
       qu.name AS queue_name, coalesce(st.state_rows, 0) AS state_rows,
       coalesce(st.state_bytes, 0) AS state_bytes, st.last_state_update,
       coalesce(cu.total_messages_consumed, 0) AS messages_consumed, cu.last_consumed_at,
       coalesce(cu.lease_active, false) AS lease_active
  FROM state st
  FULL JOIN cursor cu ON cu.partition_id = st.partition_id
  LEFT JOIN queen.partitions pt ON pt.id = coalesce(st.partition_id, cu.partition_id)
  LEFT JOIN queen.queues qu ON qu.id = pt.queue_id
 ORDER BY qu.name, pt.name, 1
