-- system_metrics per replica and bucket of $3 minutes over minutes $1..$2 ($4 hostname,
-- $5 worker id; null: all), the minute rows merged (V007 system_metrics_agg).
SELECT s.hostname, s.port, s.worker_id,
       queen.metrics_bucket(s.timestamp, $3) AS bucket,
       sum(s.sample_count) AS sample_count,
       (queen.system_metrics_agg(s.metrics, s.sample_count ORDER BY s.timestamp))->'m' AS metrics
  FROM queen.system_metrics s
 WHERE s.timestamp >= date_trunc('minute', $1::timestamptz) AND s.timestamp <= $2
   AND ($4::text IS NULL OR s.hostname = $4)
   AND ($5::text IS NULL OR s.worker_id = $5)
 GROUP BY 1, 2, 3, 4
 ORDER BY 1, 2, 3, 4
