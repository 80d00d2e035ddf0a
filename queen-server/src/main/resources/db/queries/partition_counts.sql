-- Live status counts per partition (of queue $1, or of all queues when $1 is NULL); not a
-- statement of its own but the body of the "counts" CTE of the resources queries.
--
-- The rule is spec 2.14 summed up per partition. A message with a DLQ row (of any group) is
-- deadLetter. Every other message is judged against one cursor: the __QUEUE_MODE__ row's when
-- the partition has one, else the lowest cursor among its named groups (a message counts as
-- done only when every group is past it); no consumer row means nothing is consumed yet.
-- At or before the cursor: completed. After it: processing for the first
-- batch_size - acked_count messages while the queue-mode row holds an unexpired lease (the
-- batch handed out and not acked yet; acks move the cursor), pending for the rest.
-- Each partition costs one index-only range scan of (partition_id, created_at, id) plus its
-- DLQ rows.
SELECT pt.id AS partition_id, pt.queue_id, m.total,
       m.after_cursor - d.dlq_after - least(coalesce(cur.leased, 0), m.after_cursor - d.dlq_after) AS pending,
       least(coalesce(cur.leased, 0), m.after_cursor - d.dlq_after) AS processing,
       m.total - m.after_cursor - (d.dead_letter - d.dlq_after) AS completed,
       d.dead_letter, m.oldest, m.newest, m.oldest_unconsumed, m.last_minute
  FROM queen.partitions pt
  JOIN queen.queues q ON q.id = pt.queue_id
  LEFT JOIN LATERAL (
      SELECT pc.last_consumed_created_at AS ts, pc.last_consumed_id AS id,
             CASE WHEN pc.consumer_group = '__QUEUE_MODE__' AND pc.lease_expires_at > now()
                  THEN greatest(pc.batch_size - pc.acked_count, 0) ELSE 0 END AS leased
        FROM queen.partition_consumers pc
       WHERE pc.partition_id = pt.id
       ORDER BY pc.consumer_group = '__QUEUE_MODE__' DESC,
                pc.last_consumed_created_at ASC NULLS FIRST, pc.last_consumed_id ASC
       LIMIT 1
  ) cur ON true
  CROSS JOIN LATERAL (
      SELECT count(*) AS total,
             count(*) FILTER (WHERE cur.ts IS NULL OR (x.created_at, x.id) > (cur.ts, cur.id)) AS after_cursor,
             min(x.created_at) AS oldest, max(x.created_at) AS newest,
             min(x.created_at) FILTER (WHERE cur.ts IS NULL OR (x.created_at, x.id) > (cur.ts, cur.id))
                 AS oldest_unconsumed,
             count(*) FILTER (WHERE x.created_at > now() - interval '60 seconds') AS last_minute
        FROM queen.messages x
       WHERE x.partition_id = pt.id
  ) m
  CROSS JOIN LATERAL (
      SELECT count(*) AS dead_letter,
             count(*) FILTER (WHERE cur.ts IS NULL OR (x.created_at, x.id) > (cur.ts, cur.id)) AS dlq_after
        FROM (SELECT DISTINCT dl.message_id FROM queen.dead_letter_queue dl WHERE dl.partition_id = pt.id) dm
        JOIN queen.messages x ON x.id = dm.message_id
  ) d
 WHERE $1::text IS NULL OR q.name = $1::text
