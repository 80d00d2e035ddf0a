-- The statistics job at any partition count (issue 8). The fast path used to look at every
-- partition each cycle to find the active ones (seconds per cycle at a million partitions);
-- the reconcile walked all of them every two minutes. Now:
--   * the partitions to refresh are kept in queen.stats_dirty, a work list: pushes add their
--     partitions (push_batch_v1, V010), and each fast-path cycle adds the partitions that
--     consumers touched since the previous cycle, found through indexed columns (the ack log,
--     leased consumer rows, dead letters, retention deletes). A cycle takes the oldest entries
--     first, so a backlog larger than a cycle's budget is worked off in order;
--   * the scheduled reconcile walks the partitions in bounded slices, resuming where the
--     previous slice stopped (queen.job_walks).

-- Partitions whose statistics rows are out of date. marked_at orders the work list; a
-- partition already listed is not listed again (the push's insert then writes nothing).
CREATE TABLE IF NOT EXISTS queen.stats_dirty (
    partition_id uuid PRIMARY KEY REFERENCES queen.partitions(id) ON DELETE CASCADE,
    marked_at    timestamptz NOT NULL DEFAULT now()
) WITH (autovacuum_vacuum_scale_factor = 0.01, autovacuum_vacuum_cost_delay = 0);
CREATE INDEX IF NOT EXISTS idx_stats_dirty_marked ON queen.stats_dirty (marked_at);

-- Background walks over all partitions that take a bounded slice per run: where each one
-- continues (the last partition it looked at; NULL or no row: from the start).
-- A pass ends at the partition that was last in id order when it began (pass_end): partitions
-- created later sort after it (time-ordered ids) and would otherwise keep a pass from ever
-- ending while they keep coming.
CREATE TABLE IF NOT EXISTS queen.job_walks (
    walk         text PRIMARY KEY,
    resume_after uuid,
    pass_end     uuid,
    updated_at   timestamptz NOT NULL DEFAULT now()
);

-- The reconcile's walk: refreshes the next p_limit partitions in id order after p_after (NULL:
-- from the start) up to p_until (the pass's end); last_partition is where the next chunk starts. (Replaces
-- stats_refresh_chunk_v1, whose fast-path branch looked at every partition.)
DROP FUNCTION IF EXISTS queen.stats_refresh_chunk_v1(uuid, integer, interval);

-- Roll-ups without reading every partition row. Each partition counts once in its queue's
-- figures, through its representative row (is_rep: the __QUEUE_MODE__ row when it has one,
-- else the group with the most unconsumed messages, as in V008). Per queue,
-- queen.stats_queue_sums holds the sums over the representative rows; a refresh takes its
-- partitions' old contributions out and puts the new ones in, so it costs what it refreshes.
-- Minimums and maximums come from indexes over the representative rows. The sums are rebuilt
-- from all rows when the reconcile's walk completes (a database upgraded from before this version gets them then), which also absorbs what
-- no refresh saw: rows removed with a deleted partition.
ALTER TABLE queen.stats ADD COLUMN IF NOT EXISTS is_rep boolean NOT NULL DEFAULT false;
CREATE INDEX IF NOT EXISTS idx_stats_rep_oldest ON queen.stats (queue_id, oldest_pending_at)
    WHERE stat_type = 'partition' AND is_rep AND oldest_pending_at IS NOT NULL;
CREATE INDEX IF NOT EXISTS idx_stats_rep_offset ON queen.stats (queue_id, max_offset_lag)
    WHERE stat_type = 'partition' AND is_rep AND max_offset_lag IS NOT NULL;

CREATE TABLE IF NOT EXISTS queen.stats_queue_sums (
    queue_id        uuid PRIMARY KEY REFERENCES queen.queues(id) ON DELETE CASCADE,
    partitions      bigint NOT NULL DEFAULT 0,
    total           bigint NOT NULL DEFAULT 0,
    pending         bigint NOT NULL DEFAULT 0,
    processing      bigint NOT NULL DEFAULT 0,
    completed       bigint NOT NULL DEFAULT 0,
    dead_letter     bigint NOT NULL DEFAULT 0,
    -- partitions with unconsumed messages, and the sums of their lags and offset lags
    open_partitions bigint NOT NULL DEFAULT 0,
    lag_sum         double precision NOT NULL DEFAULT 0,
    offset_sum      bigint NOT NULL DEFAULT 0,
    -- only ever moves forward between rebuilds (a maximum cannot be taken back out)
    newest          timestamptz
);

-- Partition creation times, for the per-minute "partitions created" figure without a scan.
CREATE INDEX IF NOT EXISTS idx_partitions_created ON queen.partitions (created_at);

-- Superseded above (stats_rollup_v2, delete_inactive_partitions_v2).
DROP FUNCTION IF EXISTS queen.stats_rollup_v1();
DROP FUNCTION IF EXISTS queen.delete_inactive_partitions_v1(integer, integer);

-- Deleting a partition cascades to these tables by partition_id, and the statistics refresh
-- looks up a partition's retention deletes: without an index each of those reads the whole
-- table, once per partition.
CREATE INDEX IF NOT EXISTS idx_retention_history_partition ON queen.retention_history (partition_id, executed_at);
CREATE INDEX IF NOT EXISTS idx_message_traces_partition ON queen.message_traces (partition_id);
