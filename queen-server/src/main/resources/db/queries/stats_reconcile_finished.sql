-- Records that a stats reconcile finished now.
INSERT INTO queen.stats_job_runs (job, finished_at) VALUES ('reconcile', now())
ON CONFLICT (job) DO UPDATE SET finished_at = EXCLUDED.finished_at
