-- Metrics retention: one batch of at most $2 per-minute metrics rows older than $1 days.
SELECT queen.prune_metrics_v1($1, $2) AS deleted
