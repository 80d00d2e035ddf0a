-- The registered streams queries ($1: one name, NULL: all) with the size of their state and
-- how far their consumer group (streams.<name>, the SDKs' default) has read.
SELECT q.id, q.name, q.source_queue, q.sink_queue, q.config_hash, q.created_at, q.updated_at,
       coalesce(st.partitions, 0) AS state_partitions, coalesce(st.state_rows, 0) AS state_rows,
       coalesce(st.state_bytes, 0) AS state_bytes, st.last_state_update,
       coalesce(pc.consumed, 0) AS messages_consumed, coalesce(pc.leased, 0) AS active_leases,
       pc.last_consumed_at
  FROM queen_streams.queries q
  LEFT JOIN LATERAL (
        SELECT count(DISTINCT s.partition_id) AS partitions, count(*) AS state_rows,
               sum(pg_column_size(s.value) + octet_length(s.key))::bigint AS state_bytes,
               max(s.updated_at) AS last_state_update
          FROM queen_streams.state s
         WHERE s.query_id = q.id) st ON true
  LEFT JOIN LATERAL (
        SELECT sum(c.total_messages_consumed)::bigint AS consumed,
               count(*) FILTER (WHERE c.lease_expires_at > now()) AS leased,
               max(c.last_consumed_at) AS last_consumed_at
          FROM queen.partition_consumers c
         WHERE c.consumer_group = 'streams.' || q.name) pc ON true
 WHERE $1::text IS NULL OR q.name = $1::text
 ORDER BY q.name
