-- The statistics job (spec 1.22, 2.13): fills queen.stats and queen.stats_history (V006).
-- It reads messages, consumers and dead letters with plain snapshots (no row locks) and
-- writes only the stats tables; the only locks it takes are key-share locks on the queues and
-- partitions its rows refer to, taken without waiting (see stats_refresh_partitions_v1), so
-- pushes, pops and acks never wait for it. Every call is a bounded unit of work in its own
-- short transaction.

-- When each kind of run last finished, shared by all servers (the reconcile is debounced on it).
CREATE TABLE IF NOT EXISTS queen.stats_job_runs (
    job         text PRIMARY KEY,
    finished_at timestamptz NOT NULL
);
