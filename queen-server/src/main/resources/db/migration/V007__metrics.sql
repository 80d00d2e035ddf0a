-- Writing the per-minute metrics of V006: one function call per worker flush and one per
-- system-metrics write, so a flush is a single round trip whatever it carries.

-- Long-polls parked, as parked-seconds (one per parked pop and 1 Hz sample): additive over
-- flushes and workers. The minute average is parked_seconds over the seconds of the minute
-- gone by (queen.parked_average); parked_count holds it as of the last write.
ALTER TABLE queen.queue_parked_replica ADD COLUMN IF NOT EXISTS parked_seconds double precision NOT NULL DEFAULT 0;
ALTER TABLE queen.queue_lag_metrics ADD COLUMN IF NOT EXISTS parked_seconds double precision NOT NULL DEFAULT 0;
