-- Per queue and bucket of $3 minutes over minutes $1..$2 ($4 queue, null: all): the counters
-- summed, pop lag weighted by pops, parked long-polls as the average over the bucket's minutes
-- that have a row.
SELECT queen.metrics_bucket(l.bucket_time, $3) AS bucket,
       l.queue_name,
       sum(l.push_request_count) AS push_requests,
       sum(l.push_message_count) AS push_messages,
       sum(l.pop_count) AS pop_messages,
       sum(l.pop_empty_count) AS pop_empty,
       sum(l.ack_request_count) AS ack_requests,
       sum(l.ack_success_count) AS ack_success,
       sum(l.ack_failed_count) AS ack_failed,
       sum(l.transaction_count) AS transactions,
       sum(l.partitions_created) AS partitions_created,
       sum(l.partitions_deleted) AS partitions_deleted,
       max(l.partition_count) AS partition_count,
       coalesce(sum(l.avg_lag_ms * l.pop_count) / nullif(sum(l.pop_count), 0), 0) AS avg_lag_ms,
       max(l.max_lag_ms) AS max_lag_ms,
       avg(l.parked_count) AS parked_count
  FROM queen.queue_lag_metrics l
 WHERE l.bucket_time >= date_trunc('minute', $1::timestamptz) AND l.bucket_time <= $2
   AND ($4::text IS NULL OR l.queue_name = $4)
 GROUP BY 1, 2
 ORDER BY 1, 2
