-- Pending, processing and dead-lettered messages over time, from the stats job's per-minute
-- snapshots (queen.stats_history): the system row, or one queue's ($3, by name). A bucket of
-- several minutes takes its last snapshot, as a depth is a level, not a sum.
SELECT DISTINCT ON (bucket) bucket, h.pending_messages, h.processing_messages, h.dead_letter_messages,
       h.total_messages
  FROM (SELECT queen.metrics_bucket(h.bucket_time, $4) AS bucket, h.*
          FROM queen.stats_history h
         WHERE h.stat_type = CASE WHEN $3::text IS NULL THEN 'system' ELSE 'queue' END
           AND h.stat_key = coalesce($3::text, 'system')
           AND h.bucket_time >= $1 AND h.bucket_time < $2) h
 ORDER BY bucket, h.bucket_time DESC
