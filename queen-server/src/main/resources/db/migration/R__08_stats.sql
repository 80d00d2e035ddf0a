-- A per-second rate from two readings of a counter; a counter that went down (messages
-- deleted by retention) gives 0, and readings less than a second apart count as a second.
CREATE OR REPLACE FUNCTION queen.stats_rate_v1(p_now bigint, p_before bigint, p_since timestamptz)
RETURNS double precision
LANGUAGE sql STABLE AS $fn$
    SELECT CASE WHEN p_before IS NULL OR p_since IS NULL THEN 0
                ELSE greatest(p_now - p_before, 0)::float8
                     / greatest(extract(epoch FROM now() - p_since)::float8, 1) END
$fn$;

-- Every recomputation of a stats row keeps the previous reading (prev_*) and derives the
-- ingested / processed rates from the difference, whichever statement wrote the row.
CREATE OR REPLACE FUNCTION queen.stats_track_rates_v1()
RETURNS trigger
LANGUAGE plpgsql AS $fn$
BEGIN
    NEW.ingested_per_second := queen.stats_rate_v1(NEW.total_messages, OLD.total_messages, OLD.last_computed_at);
    NEW.processed_per_second := queen.stats_rate_v1(NEW.completed_messages, OLD.completed_messages,
                                                    OLD.last_computed_at);
    NEW.prev_total_messages := OLD.total_messages;
    NEW.prev_completed_messages := OLD.completed_messages;
    NEW.prev_computed_at := OLD.last_computed_at;
    RETURN NEW;
END;
$fn$;
-- (dropped and created again whenever this file changes)
DROP TRIGGER IF EXISTS stats_track_rates ON queen.stats;
CREATE TRIGGER stats_track_rates
    BEFORE UPDATE OF total_messages, completed_messages, last_computed_at ON queen.stats
    FOR EACH ROW EXECUTE FUNCTION queen.stats_track_rates_v1();


-- Recomputes the partition rows ('<partition_id>:<group>') of the given partitions: one row per
-- consumer row of the partition, or a single __QUEUE_MODE__ row when nobody consumed it yet.
-- Rows of these partitions for groups that no longer exist are removed.
--
-- The rows reference their partition and queue (foreign keys), and writing them key-share
-- locks those. They are locked first, queues before partitions like a deletion cascades, and
-- without waiting: a queue or partition being deleted is skipped, so the job never waits
-- for a deletion and a deletion waits at most for this statement (never a deadlock). Pushes,
-- pops and acks take no lock that conflicts with a key-share lock.
--
-- Per group, against its cursor: pending = messages after the cursor that are neither leased
-- nor dead-lettered; processing = the unacked part of an unexpired lease (batch_size -
-- acked_count, at most what is after the cursor); deadLetter = the group's DLQ messages;
-- completed = the rest. A group's messages after its cursor are counted in full only when no
-- earlier count can be moved along (see the after_cursor step): then it costs an index range
-- scan of (partition_id, created_at, id) from its cursor on; moved along, the ranges that
-- changed since, so a backlog costs nothing while it only waits.
-- The partition's total is a full count of its messages when p_margin is NULL (reconcile).
-- Otherwise (fast path) it is the previous total plus the messages after the previous newest
-- one (pushes commit in position order within a partition, see the push function), unless
-- retention or eviction deleted messages of the partition since (p_margin: see
-- stats_refresh_chunk_v1): then it is counted in full. Messages deleted one by one through the
-- API are not seen by this shortcut; the next reconcile corrects the total.
CREATE OR REPLACE FUNCTION queen.stats_refresh_partitions_v1(p_partitions uuid[], p_margin interval)
RETURNS TABLE (written integer, removed integer)
LANGUAGE plpgsql
-- The refresh statement's estimated cost (lateral counts per group, planned for the worst case)
-- is far above PostgreSQL's JIT thresholds, so where JIT is available (Debian's PostgreSQL 15)
-- it was compiled with LLVM on every call: measured during a pop + ack benchmark, 2.9 s of
-- compilation for a statement that ran 0.3 s, 16 s of a 20 s total. It reads index ranges
-- only; compiling expressions cannot pay for itself here.
SET jit = off
AS $fn$
DECLARE
    v_queues  uuid[];
    v_ids     uuid[];
    v_written integer;
    v_removed integer;
BEGIN
    SELECT array_agg(l.id) INTO v_queues FROM (
        SELECT q.id FROM queen.queues q
         WHERE q.id IN (SELECT pt.queue_id FROM queen.partitions pt WHERE pt.id = ANY (p_partitions))
         ORDER BY q.id
           FOR KEY SHARE SKIP LOCKED) l;
    SELECT array_agg(l.id) INTO v_ids FROM (
        SELECT pt.id FROM queen.partitions pt
         WHERE pt.id = ANY (p_partitions) AND pt.queue_id = ANY (v_queues)
         ORDER BY pt.id
           FOR KEY SHARE SKIP LOCKED) l;

    WITH parts AS (
        SELECT pt.id, pt.queue_id FROM queen.partitions pt WHERE pt.id = ANY (v_ids)
    ),
    -- A cursor is compared as a position (created_at, id) that every message is either before
    -- or after: none = (-infinity, nil), a start time without a message = (time, the largest
    -- uuid), as a pop reads them (nothing at exactly that time is "after").
    groups AS (
        SELECT x.partition_id, x.queue_id, x.consumer_group, x.leased,
               coalesce(x.cursor_ts, '-infinity') AS cursor_ts,
               CASE WHEN x.cursor_ts IS NULL THEN '00000000-0000-0000-0000-000000000000'::uuid
                    ELSE coalesce(x.cursor_id, 'ffffffff-ffff-ffff-ffff-ffffffffffff') END AS cursor_id
          FROM (SELECT p.id AS partition_id, p.queue_id, pc.consumer_group,
                       pc.last_consumed_created_at AS cursor_ts, pc.last_consumed_id AS cursor_id,
                       CASE WHEN pc.lease_expires_at > now() THEN greatest(pc.batch_size - pc.acked_count, 0)
                            ELSE 0 END AS leased
                  FROM parts p JOIN queen.partition_consumers pc ON pc.partition_id = p.id
                UNION ALL
                SELECT p.id, p.queue_id, '__QUEUE_MODE__', NULL, NULL, 0
                  FROM parts p
                 WHERE NOT EXISTS (SELECT 1 FROM queen.partition_consumers pc WHERE pc.partition_id = p.id)) x
    ),
    totals AS (
        SELECT p.id AS partition_id, coalesce(base.total + added.n, whole.n) AS total,
               newest.created_at AS newest, newest.id AS newest_id
          FROM parts p
          LEFT JOIN LATERAL (
              SELECT m.created_at, m.id FROM queen.messages m
               WHERE m.partition_id = p.id ORDER BY m.created_at DESC, m.id DESC LIMIT 1
          ) newest ON true
          LEFT JOIN LATERAL (
              SELECT s.total_messages AS total, s.newest_message_at AS at, s.last_scanned_message_id AS id
                FROM queen.stats s
               WHERE p_margin IS NOT NULL AND s.stat_type = 'partition' AND s.partition_id = p.id
                 AND s.newest_message_at IS NOT NULL AND s.last_scanned_message_id IS NOT NULL
                 AND NOT EXISTS (SELECT 1 FROM queen.retention_history rh
                                  WHERE rh.partition_id = p.id AND rh.executed_at >= s.last_computed_at - p_margin)
               ORDER BY s.last_computed_at
               LIMIT 1
          ) base ON true
          -- only one of the two counts runs: the other's condition is false before any scan
          CROSS JOIN LATERAL (
              SELECT count(*) AS n FROM queen.messages m
               WHERE base.total IS NOT NULL AND m.partition_id = p.id AND (m.created_at, m.id) > (base.at, base.id)
          ) added
          CROSS JOIN LATERAL (
              SELECT count(*) AS n FROM queen.messages m WHERE base.total IS NULL AND m.partition_id = p.id
          ) whole
    ),
    -- Messages after each group's cursor. Never consumed: all of them (the total). Counted
    -- before from a known cursor (fast path, the same conditions as the total's): that count,
    -- less the messages then present between the old and the new cursor (consumed since), plus
    -- those between the new and the old one (a cursor moved back), plus the messages added
    -- since that are after the new cursor. Each count reads only a range that moved, not the
    -- backlog. Otherwise every message after the cursor is counted.
    previous AS (
        SELECT g.partition_id, g.consumer_group, s.counted_after,
               s.counted_cursor_at AS c0_ts, s.counted_cursor_id AS c0_id,
               coalesce(s.newest_message_at, '-infinity') AS p_ts,
               coalesce(s.last_scanned_message_id, '00000000-0000-0000-0000-000000000000') AS p_id
          FROM groups g
          JOIN queen.stats s ON s.stat_type = 'partition'
                            AND s.stat_key = g.partition_id::text || ':' || g.consumer_group
         WHERE p_margin IS NOT NULL AND g.cursor_ts <> '-infinity' AND s.counted_after IS NOT NULL
           AND NOT EXISTS (SELECT 1 FROM queen.retention_history rh
                            WHERE rh.partition_id = g.partition_id
                              AND rh.executed_at >= s.last_computed_at - p_margin)
    ),
    after_cursor AS (
        SELECT g.partition_id, g.consumer_group,
               CASE WHEN g.cursor_ts = '-infinity' THEN t.total
                    WHEN pv.counted_after IS NOT NULL THEN pv.counted_after - consumed.n + rewound.n + added.n
                    ELSE whole.n END AS after_cursor,
               oldest.created_at AS oldest_after
          FROM groups g
          JOIN totals t ON t.partition_id = g.partition_id
          LEFT JOIN previous pv ON pv.partition_id = g.partition_id AND pv.consumer_group = g.consumer_group
          -- the laterals' conditions on the outer row are checked before any scan: only the
          -- counts the row needs read messages
          CROSS JOIN LATERAL (
              SELECT count(*) AS n FROM queen.messages m
               WHERE pv.counted_after IS NOT NULL AND m.partition_id = g.partition_id
                 AND (m.created_at, m.id) > (pv.c0_ts, pv.c0_id)
                 AND (m.created_at, m.id) <= (g.cursor_ts, g.cursor_id)
                 AND (m.created_at, m.id) <= (pv.p_ts, pv.p_id)
          ) consumed
          CROSS JOIN LATERAL (
              SELECT count(*) AS n FROM queen.messages m
               WHERE pv.counted_after IS NOT NULL AND m.partition_id = g.partition_id
                 AND (m.created_at, m.id) > (g.cursor_ts, g.cursor_id)
                 AND (m.created_at, m.id) <= (pv.c0_ts, pv.c0_id)
                 AND (m.created_at, m.id) <= (pv.p_ts, pv.p_id)
          ) rewound
          CROSS JOIN LATERAL (
              SELECT count(*) AS n FROM queen.messages m
               WHERE pv.counted_after IS NOT NULL AND m.partition_id = g.partition_id
                 AND (m.created_at, m.id) > (pv.p_ts, pv.p_id)
                 AND (m.created_at, m.id) > (g.cursor_ts, g.cursor_id)
          ) added
          CROSS JOIN LATERAL (
              SELECT count(*) AS n FROM queen.messages m
               WHERE pv.counted_after IS NULL AND g.cursor_ts <> '-infinity' AND m.partition_id = g.partition_id
                 AND (m.created_at, m.id) > (g.cursor_ts, g.cursor_id)
          ) whole
          LEFT JOIN LATERAL (
              SELECT m.created_at FROM queen.messages m
               WHERE m.partition_id = g.partition_id AND (m.created_at, m.id) > (g.cursor_ts, g.cursor_id)
               ORDER BY m.created_at, m.id
               LIMIT 1
          ) oldest ON true
    ),
    counted AS (
        SELECT g.partition_id, g.queue_id, g.consumer_group, g.cursor_ts, g.cursor_id, t.total, t.newest,
               t.newest_id, a.oldest_after,
               least(g.leased, a.after_cursor - d.dlq_after) AS processing,
               a.after_cursor - d.dlq_after AS open_messages,
               d.dead_letter, d.dlq_after, a.after_cursor
          FROM groups g
          JOIN totals t ON t.partition_id = g.partition_id
          JOIN after_cursor a ON a.partition_id = g.partition_id AND a.consumer_group = g.consumer_group
          CROSS JOIN LATERAL (
              SELECT count(*) AS dead_letter,
                     count(*) FILTER (WHERE (m.created_at, m.id) > (g.cursor_ts, g.cursor_id)) AS dlq_after
                FROM (SELECT DISTINCT dl.message_id FROM queen.dead_letter_queue dl
                       WHERE dl.partition_id = g.partition_id AND dl.consumer_group = g.consumer_group) dm
                JOIN queen.messages m ON m.id = dm.message_id
          ) d
    ),
    upserted AS (
        INSERT INTO queen.stats AS s
               (stat_type, stat_key, queue_id, partition_id, consumer_group, child_count, total_messages,
                pending_messages, processing_messages, completed_messages, dead_letter_messages,
                oldest_pending_at, newest_message_at, avg_lag_seconds, max_lag_seconds, median_lag_seconds,
                avg_offset_lag, max_offset_lag, last_scanned_at, last_scanned_message_id, last_computed_at,
                counted_cursor_at, counted_cursor_id, counted_after)
        SELECT 'partition', c.partition_id::text || ':' || c.consumer_group, c.queue_id, c.partition_id,
               c.consumer_group, 0, c.total,
               c.open_messages - c.processing, c.processing,
               c.total - c.after_cursor - (c.dead_letter - c.dlq_after), c.dead_letter,
               CASE WHEN c.open_messages > 0 THEN c.oldest_after END, c.newest,
               lag.seconds, lag.seconds, lag.seconds,
               CASE WHEN c.open_messages > 0 THEN c.open_messages END,
               CASE WHEN c.open_messages > 0 THEN c.open_messages END,
               now(), c.newest_id, now(), c.cursor_ts, c.cursor_id, c.after_cursor
          FROM counted c
          CROSS JOIN LATERAL (
              SELECT CASE WHEN c.open_messages > 0
                          THEN extract(epoch FROM now() - c.oldest_after)::float8 END AS seconds
          ) lag
        ON CONFLICT (stat_type, stat_key) DO UPDATE SET
            (total_messages, pending_messages, processing_messages, completed_messages, dead_letter_messages,
             oldest_pending_at, newest_message_at, avg_lag_seconds, max_lag_seconds, median_lag_seconds,
             avg_offset_lag, max_offset_lag, last_scanned_at, last_scanned_message_id, last_computed_at,
             counted_cursor_at, counted_cursor_id, counted_after)
          = (EXCLUDED.total_messages, EXCLUDED.pending_messages, EXCLUDED.processing_messages,
             EXCLUDED.completed_messages, EXCLUDED.dead_letter_messages, EXCLUDED.oldest_pending_at,
             EXCLUDED.newest_message_at, EXCLUDED.avg_lag_seconds, EXCLUDED.max_lag_seconds,
             EXCLUDED.median_lag_seconds, EXCLUDED.avg_offset_lag, EXCLUDED.max_offset_lag,
             EXCLUDED.last_scanned_at, EXCLUDED.last_scanned_message_id, EXCLUDED.last_computed_at,
             EXCLUDED.counted_cursor_at, EXCLUDED.counted_cursor_id, EXCLUDED.counted_after)
        RETURNING s.stat_key
    )
    SELECT count(*) INTO v_written FROM upserted;

    -- groups deleted since, or the stand-in queue-mode row once a real consumer row exists
    DELETE FROM queen.stats s
     WHERE s.stat_type = 'partition' AND s.partition_id = ANY (v_ids)
       AND s.last_computed_at < now();
    GET DIAGNOSTICS v_removed = ROW_COUNT;

    written := v_written;
    removed := v_removed;
    RETURN NEXT;
END;
$fn$;

-- Lists the partitions consumers touched since the previous call (less p_margin, for
-- transactions that were still open when that call read), and remembers this call's time.
-- Every source is read through an index on its time column, so the cost follows the activity,
-- not the number of partitions:
--   acks and auto-acked pops          messages_consumed.acked_at
--   leases taken, and leases expired  partition_consumers rows with a worker (partial index)
--   messages moved to the DLQ         dead_letter_queue.failed_at
--   retention and eviction deletes    retention_history.executed_at
-- Seeks and consumer group deletions list their partitions themselves (stats_mark_dirty_v1);
-- what none of these record (a lease released without an ack, a subscription change) waits for
-- the reconcile's walk.
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

-- Queue, namespace, task and system rows from the queue sums, without reading the partition
-- rows. Two consequences: the maximum lag is the age of the oldest unconsumed message now (not the largest lag
-- some partition had when it was last computed), and the median lag is recomputed only while
-- a roll-up covers at most c_median_rows partitions with unconsumed messages; above that it
-- keeps its previous value until the reconcile's walk completes (p_full_median).
CREATE OR REPLACE FUNCTION queen.stats_rollup_v2(p_full_median boolean)
RETURNS TABLE (level text, written integer, removed integer)
LANGUAGE plpgsql
-- no JIT compilation, as for stats_refresh_partitions_v1: its cost estimates grow with the
-- number of partitions and would cross the JIT thresholds at scale
SET jit = off
AS $fn$
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

-- The inactive-partition cleanup as a walk: looks at up
-- to p_scan partitions in id order after p_after (up to p_until, the pass's end), deletes up to p_limit of those that hold no
-- messages and saw no activity for p_days days, and answers the last partition it looked at
-- (NULL: it reached the end) and how many it deleted. The deletions are counted into this
-- minute's queue_lag_metrics rows (partitions_deleted), where the queue-ops analytics read
-- them. Locks like the other jobs' steps (see R__07_jobs).
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
           -- a streams query's state (an open window, a watermark) outlives the partition's idleness
           AND NOT EXISTS (SELECT 1 FROM queen_streams.state s WHERE s.partition_id = pt.id)
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
