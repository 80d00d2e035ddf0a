-- One row per (consumer group, partition) the group has a cursor row for, with its lag:
-- the oldest message after the cursor and how many there are. $1 group, $2 queue (NULL: any),
-- $3 search (part of the group's or the queue's name, any case). $4 limit and $5 offset page
-- the (group, queue) pairs in group and queue order, before any lag is computed, so that a
-- listing page costs its own partitions whatever the number of queues.
WITH pairs AS (
    SELECT pc.consumer_group, pt.queue_id
      FROM queen.partition_consumers pc
      JOIN queen.partitions pt ON pt.id = pc.partition_id
      JOIN queen.queues q ON q.id = pt.queue_id
     WHERE ($1::text IS NULL OR pc.consumer_group = $1::text)
       AND ($2::text IS NULL OR q.name = $2::text)
       AND ($3::text IS NULL OR strpos(lower(pc.consumer_group), lower($3::text)) > 0
                             OR strpos(lower(q.name), lower($3::text)) > 0)
     GROUP BY pc.consumer_group, pt.queue_id, q.name
     ORDER BY pc.consumer_group, q.name
     LIMIT $4 OFFSET $5
)
SELECT pc.consumer_group, q.name AS queue_name, pt.name AS partition_name, pt.id AS partition_id,
       pc.worker_id, pc.lease_expires_at > now() AS lease_active, pc.last_consumed_at,
       pc.total_messages_consumed, oldest.created_at AS oldest_unconsumed_at,
       (SELECT count(*) FROM queen.messages m
         WHERE m.partition_id = pc.partition_id
           AND (m.created_at, m.id) > (coalesce(pc.last_consumed_created_at, '-infinity'::timestamptz),
                                       pc.last_consumed_id)) AS offset_lag,
       coalesce(extract(epoch FROM now() - oldest.created_at), 0)::bigint AS time_lag_seconds,
       md.subscription_mode, md.subscription_timestamp, md.created_at AS subscription_created_at
  FROM pairs
  JOIN queen.partitions pt ON pt.queue_id = pairs.queue_id
  JOIN queen.partition_consumers pc
    ON pc.partition_id = pt.id AND pc.consumer_group = pairs.consumer_group
  JOIN queen.queues q ON q.id = pt.queue_id
  LEFT JOIN LATERAL (
        SELECT m.created_at FROM queen.messages m
         WHERE m.partition_id = pc.partition_id
           AND (m.created_at, m.id) > (coalesce(pc.last_consumed_created_at, '-infinity'::timestamptz),
                                       pc.last_consumed_id)
         ORDER BY m.created_at, m.id
         LIMIT 1) oldest ON true
  LEFT JOIN LATERAL (
        SELECT c.subscription_mode, c.subscription_timestamp, c.created_at
          FROM queen.consumer_groups_metadata c
         WHERE c.consumer_group = pc.consumer_group AND c.queue_name = q.name
           AND c.partition_name IN ('', pt.name)
         ORDER BY (c.partition_name = '')
         LIMIT 1) md ON true
 ORDER BY pc.consumer_group, q.name, pt.name
