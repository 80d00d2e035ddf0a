-- The status of each message of the "candidates" CTE (spec 2.14); not a statement of its own
-- but the body of the "statused" CTE of the message queries. candidates must supply id,
-- transaction_id, partition_id, created_at, trace_id, producer_sub, queue, partition,
-- namespace, task and priority.
--
-- status: dead_letter when any group's DLQ row references the message; else, when the
-- partition has a __QUEUE_MODE__ row, its queue_status; else completed once every named group
-- is past it (pending when there is none). queue_status: completed at or before the queue-mode
-- cursor; processing when the queue-mode row holds an unexpired lease and the message is one
-- of the batch_size - acked_count messages right after the cursor (the same rule as the
-- resources counts); pending otherwise.
SELECT s.*,
       CASE WHEN s.dead THEN 'dead_letter'
            WHEN s.has_queue_mode THEN s.queue_status
            WHEN s.total_groups > 0 AND s.consumed_by = s.total_groups THEN 'completed'
            ELSE 'pending' END AS status
  FROM (
    SELECT m.*, qm.id IS NOT NULL AS has_queue_mode,
           EXISTS (SELECT 1 FROM queen.dead_letter_queue dl WHERE dl.message_id = m.id) AS dead,
           g.total_groups, g.consumed_by,
           CASE WHEN qm.last_consumed_created_at IS NOT NULL
                     AND (m.created_at, m.id) <= (qm.last_consumed_created_at, qm.last_consumed_id)
                     THEN 'completed'
                WHEN qm.lease_expires_at > now() AND ahead.n < greatest(qm.batch_size - qm.acked_count, 0)
                     THEN 'processing'
                ELSE 'pending' END AS queue_status,
           CASE WHEN qm.lease_expires_at > now() THEN qm.lease_expires_at END AS lease_expires_at
      FROM candidates m
      LEFT JOIN queen.partition_consumers qm
             ON qm.partition_id = m.partition_id AND qm.consumer_group = '__QUEUE_MODE__'
      CROSS JOIN LATERAL (
          SELECT count(*) AS total_groups,
                 count(*) FILTER (WHERE pc.last_consumed_created_at IS NOT NULL
                     AND (pc.last_consumed_created_at, pc.last_consumed_id) >= (m.created_at, m.id)) AS consumed_by
            FROM queen.partition_consumers pc
           WHERE pc.partition_id = m.partition_id AND pc.consumer_group <> '__QUEUE_MODE__'
      ) g
      -- messages between the cursor and this one, counted only up to the leased batch size
      CROSS JOIN LATERAL (
          SELECT count(*) AS n
            FROM (SELECT 1
                    FROM queen.messages a
                   WHERE a.partition_id = m.partition_id
                     AND (a.created_at, a.id) > (coalesce(qm.last_consumed_created_at, '-infinity'),
                                                 coalesce(qm.last_consumed_id, '00000000-0000-0000-0000-000000000000'))
                     AND (a.created_at, a.id) < (m.created_at, m.id)
                   LIMIT CASE WHEN qm.lease_expires_at > now()
                              THEN greatest(qm.batch_size - qm.acked_count, 0) ELSE 0 END) x
      ) ahead
  ) s
