-- Adds one aggregate of process samples into this replica's minute row of system_metrics:
-- $1 minute, $2 hostname, $3 port, $4 worker_id, $5 samples, $6 metrics JSON.
INSERT INTO queen.system_metrics AS s (timestamp, hostname, port, worker_id, sample_count, metrics)
VALUES ($1, $2, $3, $4, $5, $6::text::jsonb)
ON CONFLICT (timestamp, hostname, port, worker_id) DO UPDATE SET
    metrics      = queen.system_metrics_merge(s.metrics, s.sample_count, EXCLUDED.metrics, EXCLUDED.sample_count),
    sample_count = s.sample_count + EXCLUDED.sample_count
