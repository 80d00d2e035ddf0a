-- One worker's metrics flush (see V007 record_worker_metrics_v1).
SELECT queen.record_worker_metrics_v1($1::text::jsonb)
