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

-- Lists the partitions consumers touched since the previous call (less p_margin, for
-- transactions that were still open when that call read), and remembers this call's time.
-- Every source is read through an index on its time column, so the cost follows the activity,
-- not the number of partitions:
--   acks and auto-acked pops          messages_consumed.acked_at
--   leases taken, and leases expired  partition_consumers rows with a worker (partial index)
--   messages moved to the DLQ         dead_letter_queue.failed_at
--   retention and eviction deletes    retention_history.executed_at
-- What none of these record (seek, consumer group deletion, a message deleted through the API,
-- a lease released without an ack) waits for the reconcile's walk.
-- The first call lists nothing from before it: the reconcile covers that history.
CREATE OR REPLACE FUNCTION queen.stats_mark_activity_v1(p_margin interval)
RETURNS integer
LANGUAGE plpgsql AS $fn$
DECLARE
    v_since  timestamptz;
    v_marked integer;
BEGIN
    SELECT r.finished_at - p_margin INTO v_since FROM queen.stats_job_runs r WHERE r.job = 'activity';
    INSERT INTO queen.stats_job_runs (job, finished_at) VALUES ('activity', now())
    ON CONFLICT (job) DO UPDATE SET finished_at = EXCLUDED.finished_at;
    IF v_since IS NULL THEN
        RETURN 0;
    END IF;

    INSERT INTO queen.stats_dirty (partition_id)
    SELECT l.id
      FROM (SELECT pt.id FROM queen.partitions pt
             WHERE pt.id IN (SELECT mc.partition_id FROM queen.messages_consumed mc WHERE mc.acked_at >= v_since
                             UNION
                             SELECT pc.partition_id FROM queen.partition_consumers pc
                              WHERE pc.worker_id IS NOT NULL
                                AND (pc.lease_acquired_at >= v_since
                                     OR pc.lease_expires_at BETWEEN v_since AND now())
                             UNION
                             SELECT dl.partition_id FROM queen.dead_letter_queue dl WHERE dl.failed_at >= v_since
                             UNION
                             SELECT rh.partition_id FROM queen.retention_history rh WHERE rh.executed_at >= v_since)
             ORDER BY pt.id
             -- a partition being deleted has nothing to refresh
               FOR KEY SHARE SKIP LOCKED) l
     ORDER BY l.id
    ON CONFLICT (partition_id) DO NOTHING;
    GET DIAGNOSTICS v_marked = ROW_COUNT;
    RETURN v_marked;
END;
$fn$;

-- Takes up to p_limit partitions off the work list, oldest first, in a statement of its own:
-- a push that lists one of them again waits only for this short statement, never for the
-- refresh that follows. Entries another caller is taking are skipped.
CREATE OR REPLACE FUNCTION queen.stats_take_dirty_v1(p_limit integer)
RETURNS uuid[]
LANGUAGE sql AS $fn$
    WITH taken AS (
        -- an array, not "IN (subquery)": planned without knowing p_limit, a semi-join could
        -- read the whole list
        DELETE FROM queen.stats_dirty d
         WHERE d.partition_id = ANY (ARRAY(SELECT x.partition_id FROM queen.stats_dirty x
                                            ORDER BY x.marked_at
                                            LIMIT p_limit
                                              FOR UPDATE SKIP LOCKED))
        RETURNING d.partition_id
    )
    SELECT coalesce(array_agg(t.partition_id ORDER BY t.partition_id), '{}') FROM taken t
$fn$;

-- Lists partitions on the work list (a writer of their messages, or a refresh that failed).
-- A partition listed already keeps its place, but its entry is locked until this transaction
-- ends (DO UPDATE ... WHERE false writes nothing and still locks): the job, which takes entries
-- with SKIP LOCKED, cannot take it and refresh before this transaction's messages are visible.
-- Partitions being deleted are left out.
-- (plpgsql: pushes call it, and its plan is kept for the session.)
CREATE OR REPLACE FUNCTION queen.stats_mark_dirty_v1(p_partitions uuid[])
RETURNS void
LANGUAGE plpgsql AS $fn$
BEGIN
    INSERT INTO queen.stats_dirty AS d (partition_id)
    SELECT l.id FROM (SELECT pt.id FROM queen.partitions pt WHERE pt.id = ANY (p_partitions)
                       ORDER BY pt.id FOR KEY SHARE SKIP LOCKED) l
     ORDER BY l.id
    ON CONFLICT (partition_id) DO UPDATE SET marked_at = d.marked_at WHERE false;
END;
$fn$;

-- The reconcile's walk: refreshes the next p_limit partitions in id order after p_after (NULL:
-- from the start) up to p_until (the pass's end); last_partition is where the next chunk starts. (Replaces
-- stats_refresh_chunk_v1, whose fast-path branch looked at every partition.)
DROP FUNCTION IF EXISTS queen.stats_refresh_chunk_v1(uuid, integer, interval);
CREATE OR REPLACE FUNCTION queen.stats_refresh_walk_v1(p_after uuid, p_until uuid, p_limit integer)
RETURNS TABLE (last_partition uuid, partitions integer, written integer, removed integer)
LANGUAGE plpgsql AS $fn$
DECLARE
    v_ids uuid[];
BEGIN
    -- one range condition (not "IS NULL OR"), which a cached plan can still use the key for
    SELECT array_agg(x.id ORDER BY x.id) INTO v_ids
      FROM (SELECT pt.id FROM queen.partitions pt
             WHERE pt.id > coalesce(p_after, '00000000-0000-0000-0000-000000000000') AND pt.id <= p_until
             ORDER BY pt.id LIMIT p_limit) x;
    IF v_ids IS NULL THEN
        RETURN QUERY SELECT NULL::uuid, 0, 0, 0;
        RETURN;
    END IF;
    RETURN QUERY SELECT v_ids[cardinality(v_ids)], cardinality(v_ids), r.written, r.removed
                   FROM queen.stats_refresh_counted_v1(v_ids, NULL) r;
END;
$fn$;

-- Roll-ups without reading every partition row. Each partition counts once in its queue's
-- figures, through its representative row (is_rep: the __QUEUE_MODE__ row when it has one,
-- else the group with the most unconsumed messages, as in V008). Per queue,
-- queen.stats_queue_sums holds the sums over the representative rows; a refresh takes its
-- partitions' old contributions out and puts the new ones in, so it costs what it refreshes.
-- Minimums and maximums come from indexes over the representative rows. The sums are rebuilt
-- from all rows when the reconcile's walk completes (and here, once), which also absorbs what
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

-- Marks the representative row of each given partition. (Written without an "all partitions"
-- branch: a cached plan must be able to look the rows up by partition.)
CREATE OR REPLACE FUNCTION queen.stats_mark_reps_v1(p_partitions uuid[])
RETURNS void
LANGUAGE sql AS $fn$
    UPDATE queen.stats s
       SET is_rep = (s.stat_key = r.rep_key)
      FROM (SELECT DISTINCT ON (x.partition_id) x.partition_id, x.stat_key AS rep_key
              FROM queen.stats x
             WHERE x.stat_type = 'partition' AND x.partition_id = ANY (p_partitions)
             ORDER BY x.partition_id, x.consumer_group = '__QUEUE_MODE__' DESC,
                      x.pending_messages + x.processing_messages DESC, x.consumer_group) r
     WHERE s.stat_type = 'partition' AND s.partition_id = ANY (p_partitions) AND s.partition_id = r.partition_id
       AND s.is_rep IS DISTINCT FROM (s.stat_key = r.rep_key)
$fn$;

-- Adds p_sign times the contributions of the given partitions' representative rows to their
-- queues' sums (queues being deleted are left out, see stats_refresh_partitions_v1).
CREATE OR REPLACE FUNCTION queen.stats_add_sums_v1(p_partitions uuid[], p_sign integer)
RETURNS void
LANGUAGE sql AS $fn$
    WITH c AS (
        SELECT s.queue_id, count(*) AS partitions, sum(s.total_messages) AS total,
               sum(s.pending_messages) AS pending, sum(s.processing_messages) AS processing,
               sum(s.completed_messages) AS completed, sum(s.dead_letter_messages) AS dead_letter,
               count(s.max_lag_seconds) AS open_partitions, coalesce(sum(s.max_lag_seconds), 0) AS lag_sum,
               coalesce(sum(s.max_offset_lag), 0) AS offset_sum, max(s.newest_message_at) AS newest
          FROM queen.stats s
         WHERE s.stat_type = 'partition' AND s.is_rep AND s.partition_id = ANY (p_partitions)
           AND s.queue_id IN (SELECT q.id FROM queen.queues q WHERE q.id IN (
                                  SELECT y.queue_id FROM queen.stats y
                                   WHERE y.stat_type = 'partition' AND y.partition_id = ANY (p_partitions))
                               ORDER BY q.id FOR KEY SHARE SKIP LOCKED)
         GROUP BY s.queue_id
    )
    INSERT INTO queen.stats_queue_sums AS t
           (queue_id, partitions, total, pending, processing, completed, dead_letter, open_partitions,
            lag_sum, offset_sum, newest)
    SELECT c.queue_id, p_sign * c.partitions, p_sign * c.total, p_sign * c.pending, p_sign * c.processing,
           p_sign * c.completed, p_sign * c.dead_letter, p_sign * c.open_partitions, p_sign * c.lag_sum,
           p_sign * c.offset_sum, c.newest
      FROM c
     ORDER BY c.queue_id
    ON CONFLICT (queue_id) DO UPDATE SET
        partitions = t.partitions + EXCLUDED.partitions, total = t.total + EXCLUDED.total,
        pending = t.pending + EXCLUDED.pending, processing = t.processing + EXCLUDED.processing,
        completed = t.completed + EXCLUDED.completed, dead_letter = t.dead_letter + EXCLUDED.dead_letter,
        open_partitions = t.open_partitions + EXCLUDED.open_partitions, lag_sum = t.lag_sum + EXCLUDED.lag_sum,
        offset_sum = t.offset_sum + EXCLUDED.offset_sum, newest = greatest(t.newest, EXCLUDED.newest)
$fn$;

-- Refreshes the given partitions' rows (stats_refresh_partitions_v1) and moves their
-- contributions in the queue sums along.
CREATE OR REPLACE FUNCTION queen.stats_refresh_counted_v1(p_partitions uuid[], p_margin interval)
RETURNS TABLE (written integer, removed integer)
LANGUAGE plpgsql AS $fn$
BEGIN
    PERFORM queen.stats_add_sums_v1(p_partitions, -1);
    RETURN QUERY SELECT r.written, r.removed FROM queen.stats_refresh_partitions_v1(p_partitions, p_margin) r;
    PERFORM queen.stats_mark_reps_v1(p_partitions);
    PERFORM queen.stats_add_sums_v1(p_partitions, 1);
END;
$fn$;

-- Recomputes every representative mark and all queue sums from the partition rows.
CREATE OR REPLACE FUNCTION queen.stats_rebuild_sums_v1()
RETURNS void
LANGUAGE plpgsql AS $fn$
BEGIN
    UPDATE queen.stats s
       SET is_rep = (s.stat_key = r.rep_key)
      FROM (SELECT DISTINCT ON (x.partition_id) x.partition_id, x.stat_key AS rep_key
              FROM queen.stats x
             WHERE x.stat_type = 'partition'
             ORDER BY x.partition_id, x.consumer_group = '__QUEUE_MODE__' DESC,
                      x.pending_messages + x.processing_messages DESC, x.consumer_group) r
     WHERE s.stat_type = 'partition' AND s.partition_id = r.partition_id
       AND s.is_rep IS DISTINCT FROM (s.stat_key = r.rep_key);
    DELETE FROM queen.stats_queue_sums;
    INSERT INTO queen.stats_queue_sums
           (queue_id, partitions, total, pending, processing, completed, dead_letter, open_partitions,
            lag_sum, offset_sum, newest)
    SELECT s.queue_id, count(*), sum(s.total_messages), sum(s.pending_messages), sum(s.processing_messages),
           sum(s.completed_messages), sum(s.dead_letter_messages), count(s.max_lag_seconds),
           coalesce(sum(s.max_lag_seconds), 0), coalesce(sum(s.max_offset_lag), 0), max(s.newest_message_at)
      FROM queen.stats s
     WHERE s.stat_type = 'partition' AND s.is_rep
       AND s.queue_id IN (SELECT q.id FROM queen.queues q ORDER BY q.id FOR KEY SHARE SKIP LOCKED)
     GROUP BY s.queue_id;
END;
$fn$;

SELECT queen.stats_rebuild_sums_v1();

-- Queue, namespace, task and system rows from the queue sums (V008's roll-up read every
-- partition row). Same rows and meanings, with two differences that keep it off the partition
-- rows: the maximum lag is the age of the oldest unconsumed message now (not the largest lag
-- some partition had when it was last computed), and the median lag is recomputed only while
-- a roll-up covers at most c_median_rows partitions with unconsumed messages; above that it
-- keeps its previous value until the reconcile's walk completes (p_full_median).
CREATE OR REPLACE FUNCTION queen.stats_rollup_v2(p_full_median boolean)
RETURNS TABLE (level text, written integer, removed integer)
LANGUAGE plpgsql AS $fn$
DECLARE
    c_median_rows CONSTANT integer := 50000;
BEGIN
    RETURN QUERY
    WITH live AS (
        SELECT q.id, q.name, q.namespace, q.task FROM queen.queues q ORDER BY q.id FOR KEY SHARE SKIP LOCKED
    ),
    members AS (
        SELECT 'queue' AS level, q.name AS key, q.id AS row_queue_id, q.id AS member_queue FROM live q
        UNION ALL
        SELECT 'namespace', q.namespace, NULL, q.id FROM live q WHERE q.namespace <> ''
        UNION ALL
        SELECT 'task', q.task, NULL, q.id FROM live q WHERE q.task <> ''
        UNION ALL
        SELECT 'system', 'system', NULL, q.id FROM (VALUES (1)) one LEFT JOIN live q ON true
    ),
    per_queue AS (
        SELECT l.id, s.partitions, s.total, s.pending, s.processing, s.completed, s.dead_letter,
               s.open_partitions, s.lag_sum, s.offset_sum, s.newest,
               (SELECT min(x.oldest_pending_at) FROM queen.stats x
                 WHERE x.stat_type = 'partition' AND x.is_rep AND x.oldest_pending_at IS NOT NULL
                   AND x.queue_id = l.id) AS oldest,
               (SELECT max(x.max_offset_lag) FROM queen.stats x
                 WHERE x.stat_type = 'partition' AND x.is_rep AND x.max_offset_lag IS NOT NULL
                   AND x.queue_id = l.id) AS max_offset
          FROM live l
          LEFT JOIN queen.stats_queue_sums s ON s.queue_id = l.id
    ),
    rolled AS (
        SELECT m.level, m.key, m.row_queue_id,
               CASE WHEN m.level = 'queue' THEN coalesce(sum(p.partitions), 0) ELSE count(DISTINCT m.member_queue) END
                   AS children,
               coalesce(sum(p.total), 0)::bigint AS total,
               coalesce(sum(p.pending), 0)::bigint AS pending,
               coalesce(sum(p.processing), 0)::bigint AS processing,
               coalesce(sum(p.completed), 0)::bigint AS completed,
               coalesce(sum(p.dead_letter), 0)::bigint AS dead_letter,
               coalesce(sum(p.open_partitions), 0) AS open_partitions,
               sum(p.lag_sum) AS lag_sum, sum(p.offset_sum) AS offset_sum,
               min(p.oldest) AS oldest, max(p.newest) AS newest, max(p.max_offset) AS max_offset,
               array_agg(m.member_queue) FILTER (WHERE m.member_queue IS NOT NULL) AS queues
          FROM members m
          LEFT JOIN per_queue p ON p.id = m.member_queue
         GROUP BY m.level, m.key, m.row_queue_id
    ),
    figured AS (
        SELECT r.*,
               CASE WHEN r.open_partitions > 0 THEN r.lag_sum / r.open_partitions END AS avg_lag,
               CASE WHEN r.oldest IS NOT NULL THEN extract(epoch FROM now() - r.oldest)::float8 END AS max_lag,
               CASE WHEN r.open_partitions > 0 THEN r.offset_sum::float8 / r.open_partitions END AS avg_offset,
               CASE WHEN r.open_partitions = 0 THEN NULL
                    WHEN r.open_partitions <= c_median_rows OR p_full_median THEN
                        (SELECT percentile_cont(0.5) WITHIN GROUP (ORDER BY x.max_lag_seconds)
                           FROM queen.stats x
                          WHERE x.stat_type = 'partition' AND x.is_rep AND x.oldest_pending_at IS NOT NULL
                            AND x.queue_id = ANY (r.queues))
                    ELSE (SELECT o.median_lag_seconds FROM queen.stats o
                           WHERE o.stat_type = r.level AND o.stat_key = r.key) END AS median_lag
          FROM rolled r
    ),
    upserted AS (
        INSERT INTO queen.stats AS s
               (stat_type, stat_key, queue_id, child_count, total_messages, pending_messages,
                processing_messages, completed_messages, dead_letter_messages, oldest_pending_at,
                newest_message_at, avg_lag_seconds, max_lag_seconds, median_lag_seconds, avg_offset_lag,
                max_offset_lag, last_computed_at)
        SELECT f.level, f.key, f.row_queue_id, f.children, f.total, f.pending, f.processing, f.completed,
               f.dead_letter, f.oldest, f.newest, f.avg_lag, f.max_lag, f.median_lag, f.avg_offset,
               f.max_offset, now()
          FROM figured f
        ON CONFLICT (stat_type, stat_key) DO UPDATE SET
            (queue_id, child_count, total_messages, pending_messages, processing_messages, completed_messages,
             dead_letter_messages, oldest_pending_at, newest_message_at, avg_lag_seconds, max_lag_seconds,
             median_lag_seconds, avg_offset_lag, max_offset_lag, last_computed_at)
          = (EXCLUDED.queue_id, EXCLUDED.child_count, EXCLUDED.total_messages, EXCLUDED.pending_messages,
             EXCLUDED.processing_messages, EXCLUDED.completed_messages, EXCLUDED.dead_letter_messages,
             EXCLUDED.oldest_pending_at, EXCLUDED.newest_message_at, EXCLUDED.avg_lag_seconds,
             EXCLUDED.max_lag_seconds, EXCLUDED.median_lag_seconds, EXCLUDED.avg_offset_lag,
             EXCLUDED.max_offset_lag, EXCLUDED.last_computed_at)
        RETURNING s.stat_type
    ),
    gone AS (
        DELETE FROM queen.stats s
         WHERE s.stat_type IN ('namespace', 'task')
           AND NOT EXISTS (SELECT 1 FROM rolled r WHERE r.level = s.stat_type AND r.key = s.stat_key)
        RETURNING s.stat_type
    )
    SELECT l.level,
           (SELECT count(*)::integer FROM upserted u WHERE u.stat_type = l.level),
           (SELECT count(*)::integer FROM gone g WHERE g.stat_type = l.level)
      FROM (VALUES ('queue'), ('namespace'), ('task'), ('system')) l(level);
END;
$fn$;

-- The inactive-partition cleanup (V005's delete_inactive_partitions_v1) as a walk: looks at up
-- to p_scan partitions in id order after p_after (up to p_until, the pass's end), deletes up to p_limit of those that hold no
-- messages and saw no activity for p_days days, and answers the last partition it looked at
-- (NULL: it reached the end) and how many it deleted. The deletions are counted into this
-- minute's queue_lag_metrics rows (partitions_deleted), where the queue-ops analytics read
-- them. Same locking as V005.
CREATE OR REPLACE FUNCTION queen.delete_inactive_partitions_v2(p_after uuid, p_until uuid, p_scan integer,
                                                                 p_days integer, p_limit integer)
RETURNS TABLE (last_partition uuid, deleted integer)
LANGUAGE plpgsql AS $fn$
DECLARE
    v_cutoff    timestamptz := now() - make_interval(days => p_days);
    v_after     uuid := coalesce(p_after, '00000000-0000-0000-0000-000000000000');
    v_last      uuid;
    v_scanned   integer;
    v_candidate uuid[];
    v_doomed    uuid[];
    v_n         integer;
BEGIN
    SELECT (array_agg(s.id ORDER BY s.id DESC))[1], count(*) INTO v_last, v_scanned FROM (
        SELECT pt.id FROM queen.partitions pt WHERE pt.id > v_after AND pt.id <= p_until
         ORDER BY pt.id LIMIT p_scan) s;

    SELECT coalesce(array_agg(c.id ORDER BY c.id), '{}') INTO v_candidate FROM (
        SELECT pt.id
          FROM queen.partitions pt
         WHERE pt.id > v_after AND pt.id <= v_last
           AND pt.created_at < v_cutoff AND pt.last_activity < v_cutoff
           AND NOT EXISTS (SELECT 1 FROM queen.messages m WHERE m.partition_id = pt.id)
           AND NOT EXISTS (SELECT 1 FROM queen.partition_lookup pl
                            WHERE pl.partition_id = pt.id AND pl.updated_at >= v_cutoff)
           AND NOT EXISTS (SELECT 1 FROM queen.partition_consumers pc
                            WHERE pc.partition_id = pt.id
                              AND (pc.created_at >= v_cutoff OR pc.last_consumed_at >= v_cutoff
                                   OR pc.lease_expires_at > now()))
         ORDER BY pt.id
         LIMIT p_limit
           FOR UPDATE OF pt SKIP LOCKED) c;

    -- fresh snapshot, partitions locked: only still-empty ones go (a push waits for the lock)
    SELECT coalesce(array_agg(pt.id), '{}') INTO v_doomed
      FROM queen.partitions pt
     WHERE pt.id = ANY (v_candidate)
       AND NOT EXISTS (SELECT 1 FROM queen.messages m WHERE m.partition_id = pt.id);
    -- their statistics rows go with them: out of their queues' sums first
    PERFORM queen.stats_add_sums_v1(v_doomed, -1);

    WITH gone AS (
        DELETE FROM queen.partitions pt WHERE pt.id = ANY (v_doomed)
        RETURNING pt.queue_id
    ), per_queue AS (
        INSERT INTO queen.queue_lag_metrics AS l (bucket_time, queue_name, partitions_deleted)
        SELECT date_trunc('minute', now()), q.name, count(*)
          FROM gone g JOIN queen.queues q ON q.id = g.queue_id
         GROUP BY q.name
         ORDER BY q.name
        ON CONFLICT (bucket_time, queue_name) DO UPDATE
           SET partitions_deleted = l.partitions_deleted + EXCLUDED.partitions_deleted
        RETURNING l.partitions_deleted
    )
    SELECT count(*) INTO v_n FROM gone;

    -- a slice cut short by p_limit goes on after its last candidate, not after the slice
    last_partition := CASE WHEN cardinality(v_candidate) >= p_limit THEN v_candidate[cardinality(v_candidate)]
                           WHEN v_scanned < p_scan THEN NULL
                           ELSE v_last END;
    deleted := v_n;
    RETURN NEXT;
END;
$fn$;

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
