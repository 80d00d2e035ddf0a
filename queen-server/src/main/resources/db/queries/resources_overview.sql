-- System-wide totals, consumer lag and throughput, all computed live. Lag is taken over the
-- partitions that have unconsumed messages: offset lag = messages after the cursor (pending
-- or processing), time lag = seconds since the oldest of them was pushed. Throughput is the
-- last minute's pushes and acks (messages_consumed) per second.
WITH counts AS (/*partition_counts*/),
lagging AS (
    SELECT (pending + processing)::float8 AS offset_lag,
           extract(epoch FROM now() - oldest_unconsumed)::float8 AS time_lag
      FROM counts
     WHERE pending + processing > 0 AND oldest_unconsumed IS NOT NULL
)
SELECT (SELECT count(*) FROM queen.queues) AS queues,
       (SELECT count(*) FROM queen.partitions) AS partitions,
       (SELECT count(DISTINCT namespace) FROM queen.queues WHERE namespace <> '') AS namespaces,
       (SELECT count(DISTINCT task) FROM queen.queues WHERE task <> '') AS tasks,
       t.total, t.pending, t.processing, t.completed, t.dead_letter, t.ingested,
       l.time_avg, l.time_median, l.time_min, l.time_max,
       l.offset_avg, l.offset_median, l.offset_min, l.offset_max,
       (SELECT coalesce(sum(mc.messages_completed + mc.messages_failed), 0)::float8 / 60
          FROM queen.messages_consumed mc
         WHERE mc.acked_at > now() - interval '60 seconds') AS processed_per_second,
       now() AS now
  FROM (SELECT coalesce(sum(total), 0)::bigint AS total, coalesce(sum(pending), 0)::bigint AS pending,
               coalesce(sum(processing), 0)::bigint AS processing,
               coalesce(sum(completed), 0)::bigint AS completed,
               coalesce(sum(dead_letter), 0)::bigint AS dead_letter,
               coalesce(sum(last_minute), 0)::float8 / 60 AS ingested
          FROM counts) t,
       (SELECT coalesce(avg(time_lag), 0) AS time_avg,
               coalesce(percentile_cont(0.5) WITHIN GROUP (ORDER BY time_lag), 0) AS time_median,
               coalesce(min(time_lag), 0) AS time_min, coalesce(max(time_lag), 0) AS time_max,
               coalesce(avg(offset_lag), 0) AS offset_avg,
               coalesce(percentile_cont(0.5) WITHIN GROUP (ORDER BY offset_lag), 0) AS offset_median,
               coalesce(min(offset_lag), 0) AS offset_min, coalesce(max(offset_lag), 0) AS offset_max
          FROM lagging) l
