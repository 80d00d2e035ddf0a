-- Parked long-polls per queue, replica worker and bucket of $3 minutes over minutes $1..$2
-- ($4 queue, null: all): the average of the minute averages.
SELECT queen.metrics_bucket(r.bucket_time, $3) AS bucket,
       r.queue_name, r.hostname, r.worker_id,
       avg(queen.parked_average(r.parked_seconds, r.bucket_time)) AS parked_count
  FROM queen.queue_parked_replica r
 WHERE r.bucket_time >= date_trunc('minute', $1::timestamptz) AND r.bucket_time <= $2
   AND ($4::text IS NULL OR r.queue_name = $4)
 GROUP BY 1, 2, 3, 4
 ORDER BY 1, 2, 3, 4
