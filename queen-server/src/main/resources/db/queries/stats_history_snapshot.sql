-- The current roll-up counters into this minute's stats_history bucket (a later snapshot in
-- the same minute overwrites it). Partition rows are left out: one row per partition, group
-- and minute would outgrow the data it describes, and no endpoint reads them.
INSERT INTO queen.stats_history AS h
       (stat_type, stat_key, bucket_time, total_messages, pending_messages, processing_messages,
        completed_messages, dead_letter_messages, ingested_per_second, processed_per_second)
SELECT s.stat_type, s.stat_key, date_trunc('minute', now()), s.total_messages, s.pending_messages,
       s.processing_messages, s.completed_messages, s.dead_letter_messages, s.ingested_per_second,
       s.processed_per_second
  FROM queen.stats s
 WHERE s.stat_type IN ('queue', 'namespace', 'task', 'system')
ON CONFLICT (stat_type, stat_key, bucket_time) DO UPDATE SET
    (total_messages, pending_messages, processing_messages, completed_messages, dead_letter_messages,
     ingested_per_second, processed_per_second)
  = (EXCLUDED.total_messages, EXCLUDED.pending_messages, EXCLUDED.processing_messages,
     EXCLUDED.completed_messages, EXCLUDED.dead_letter_messages, EXCLUDED.ingested_per_second,
     EXCLUDED.processed_per_second)
