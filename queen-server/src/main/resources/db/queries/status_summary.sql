-- The one-row part of /status. Filters: $1 queue, $2 namespace, $3 task (NULL: any); window
-- $4..$5 for the request and error counters.
-- Message counts come from the stats job's rows: the system row without filters, else the
-- sum of the matching queue rows; statsAge is the age of the oldest of those rows. Leases and
-- dead letters are counted live over the matching partitions. Request, message and error
-- counters are the workers' per-minute figures over the window (worker_metrics has no queue
-- dimension, so they are server-wide whatever the filters).
WITH scoped AS (/*scoped_queues*/),
unfiltered AS (
    SELECT $1::text IS NULL AND $2::text IS NULL AND $3::text IS NULL AS yes
),
scope AS (
    SELECT pt.id FROM queen.partitions pt JOIN scoped q ON q.id = pt.queue_id
),
picked AS (
    SELECT s.* FROM queen.stats s, unfiltered u
     WHERE u.yes AND s.stat_type = 'system' AND s.stat_key = 'system'
    UNION ALL
    SELECT s.* FROM queen.stats s JOIN scoped q ON q.id = s.queue_id, unfiltered u
     WHERE NOT u.yes AND s.stat_type = 'queue'
),
counts AS (
    SELECT coalesce(sum(p.total_messages), 0)::bigint AS total,
           coalesce(sum(p.pending_messages), 0)::bigint AS pending,
           coalesce(sum(p.processing_messages), 0)::bigint AS processing,
           coalesce(sum(p.completed_messages), 0)::bigint AS completed,
           coalesce(sum(p.dead_letter_messages), 0)::bigint AS dead_letter,
           min(p.last_computed_at) AS computed_at
      FROM picked p
),
leases AS (
    SELECT count(*) AS active, count(DISTINCT pc.partition_id) AS partitions,
           coalesce(sum(pc.batch_size), 0)::bigint AS batch_size,
           coalesce(sum(pc.acked_count), 0)::bigint AS acked
      FROM queen.partition_consumers pc JOIN scope ON scope.id = pc.partition_id
     WHERE pc.lease_expires_at > now()
),
dead AS (
    SELECT count(*) AS messages, count(DISTINCT dl.partition_id) AS partitions
      FROM queen.dead_letter_queue dl JOIN scope ON scope.id = dl.partition_id
),
work AS (
    SELECT coalesce(sum(wm.push_request_count), 0)::bigint AS push_requests,
           coalesce(sum(wm.pop_request_count), 0)::bigint AS pop_requests,
           coalesce(sum(wm.ack_request_count), 0)::bigint AS ack_requests,
           coalesce(sum(wm.push_message_count), 0)::bigint AS push_messages,
           coalesce(sum(wm.pop_message_count), 0)::bigint AS pop_messages,
           coalesce(sum(wm.ack_message_count), 0)::bigint AS ack_messages,
           coalesce(sum(wm.db_error_count), 0)::bigint AS db_errors,
           coalesce(sum(wm.ack_failed_count), 0)::bigint AS ack_failed,
           coalesce(sum(wm.dlq_count), 0)::bigint AS dlq
      FROM queen.worker_metrics wm
     WHERE wm.bucket_time >= date_trunc('minute', $4::timestamptz) AND wm.bucket_time <= $5::timestamptz
)
SELECT c.total, c.pending, c.processing, c.completed, c.dead_letter,
       extract(epoch FROM now() - c.computed_at)::float8 AS stats_age,
       l.active AS leases_active, l.partitions AS leased_partitions, l.batch_size AS lease_batch_size,
       l.acked AS lease_acked,
       d.messages AS dlq_messages, d.partitions AS dlq_partitions,
       w.*
  FROM counts c, leases l, dead d, work w
