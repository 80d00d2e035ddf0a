-- Queue metrics over minutes $1..$2 ($3 queue, null: all), in one pass: rows with is_bucket
-- per queue and bucket of $4 minutes, the others per queue over the whole window. The
-- counters (QueenCounter, filled in by CounterSql) are summed under their aliases, pop lag
-- weighted by pops; parked long-polls are the average of a bucket's minute averages, over
-- the window their peak.
SELECT grouping(b.bucket) = 0 AS is_bucket,
       b.bucket, b.queue_name,
       max(b.bucket_time) AS last_seen,
       /*@each queue: sum(b.{column}) AS {alias}*/,
       sum(b.partitions_created) AS partitions_created,
       sum(b.partitions_deleted) AS partitions_deleted,
       max(b.partition_count) AS partition_count,
       coalesce(sum(b.avg_lag_ms * b.pop_count) / nullif(sum(b.pop_count), 0), 0) AS avg_lag_ms,
       max(b.max_lag_ms) AS max_lag_ms,
       CASE WHEN grouping(b.bucket) = 0 THEN avg(queen.parked_average(b.parked_seconds, b.bucket_time))
            ELSE max(queen.parked_average(b.parked_seconds, b.bucket_time)) END AS parked_count
  FROM (SELECT queen.metrics_bucket(l.bucket_time, $4) AS bucket, l.*
          FROM queen.queue_lag_metrics l
         WHERE l.bucket_time >= date_trunc('minute', $1::timestamptz) AND l.bucket_time <= $2
           AND ($3::text IS NULL OR l.queue_name = $3)) b
 GROUP BY GROUPING SETS ((b.bucket, b.queue_name), (b.queue_name))
 ORDER BY b.bucket, b.queue_name
