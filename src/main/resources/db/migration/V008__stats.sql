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
-- completed = the rest. Each group costs one index range scan of (partition_id, created_at, id)
-- from its cursor on, so a consumer that keeps up costs little.
-- The partition's total is a full count of its messages when p_margin is NULL (reconcile).
-- Otherwise (fast path) it is the previous total plus the messages after the previous newest
-- one (pushes commit in position order within a partition, see the push function), unless
-- retention or eviction deleted messages of the partition since (p_margin: see
-- stats_refresh_chunk_v1): then it is counted in full. Messages deleted one by one through the
-- API are not seen by this shortcut; the next reconcile corrects the total.
CREATE OR REPLACE FUNCTION queen.stats_refresh_partitions_v1(p_partitions uuid[], p_margin interval)
RETURNS TABLE (written integer, removed integer)
LANGUAGE plpgsql AS $fn$
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
    groups AS (
        SELECT p.id AS partition_id, p.queue_id, pc.consumer_group,
               pc.last_consumed_created_at AS cursor_ts, pc.last_consumed_id AS cursor_id,
               CASE WHEN pc.lease_expires_at > now() THEN greatest(pc.batch_size - pc.acked_count, 0)
                    ELSE 0 END AS leased
          FROM parts p JOIN queen.partition_consumers pc ON pc.partition_id = p.id
        UNION ALL
        SELECT p.id, p.queue_id, '__QUEUE_MODE__', NULL, NULL, 0
          FROM parts p
         WHERE NOT EXISTS (SELECT 1 FROM queen.partition_consumers pc WHERE pc.partition_id = p.id)
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
    counted AS (
        SELECT g.partition_id, g.queue_id, g.consumer_group, t.total, t.newest, t.newest_id, a.oldest_after,
               least(g.leased, a.after_cursor - d.dlq_after) AS processing,
               a.after_cursor - d.dlq_after AS open_messages,
               d.dead_letter, d.dlq_after, a.after_cursor
          FROM groups g
          JOIN totals t ON t.partition_id = g.partition_id
          CROSS JOIN LATERAL (
              SELECT count(*) AS after_cursor, min(m.created_at) AS oldest_after
                FROM queen.messages m
               WHERE m.partition_id = g.partition_id
                 AND (g.cursor_ts IS NULL OR (m.created_at, m.id) > (g.cursor_ts, g.cursor_id))
          ) a
          CROSS JOIN LATERAL (
              SELECT count(*) AS dead_letter,
                     count(*) FILTER (WHERE g.cursor_ts IS NULL
                                         OR (m.created_at, m.id) > (g.cursor_ts, g.cursor_id)) AS dlq_after
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
                avg_offset_lag, max_offset_lag, last_scanned_at, last_scanned_message_id, last_computed_at)
        SELECT 'partition', c.partition_id::text || ':' || c.consumer_group, c.queue_id, c.partition_id,
               c.consumer_group, 0, c.total,
               c.open_messages - c.processing, c.processing,
               c.total - c.after_cursor - (c.dead_letter - c.dlq_after), c.dead_letter,
               CASE WHEN c.open_messages > 0 THEN c.oldest_after END, c.newest,
               lag.seconds, lag.seconds, lag.seconds,
               CASE WHEN c.open_messages > 0 THEN c.open_messages END,
               CASE WHEN c.open_messages > 0 THEN c.open_messages END,
               now(), c.newest_id, now()
          FROM counted c
          CROSS JOIN LATERAL (
              SELECT CASE WHEN c.open_messages > 0
                          THEN extract(epoch FROM now() - c.oldest_after)::float8 END AS seconds
          ) lag
        ON CONFLICT (stat_type, stat_key) DO UPDATE SET
            (total_messages, pending_messages, processing_messages, completed_messages, dead_letter_messages,
             oldest_pending_at, newest_message_at, avg_lag_seconds, max_lag_seconds, median_lag_seconds,
             avg_offset_lag, max_offset_lag, last_scanned_at, last_scanned_message_id, last_computed_at)
          = (EXCLUDED.total_messages, EXCLUDED.pending_messages, EXCLUDED.processing_messages,
             EXCLUDED.completed_messages, EXCLUDED.dead_letter_messages, EXCLUDED.oldest_pending_at,
             EXCLUDED.newest_message_at, EXCLUDED.avg_lag_seconds, EXCLUDED.max_lag_seconds,
             EXCLUDED.median_lag_seconds, EXCLUDED.avg_offset_lag, EXCLUDED.max_offset_lag,
             EXCLUDED.last_scanned_at, EXCLUDED.last_scanned_message_id, EXCLUDED.last_computed_at)
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

-- Refreshes one chunk of up to p_limit partitions, each chunk its own transaction.
-- Without p_margin, the next partitions in id order after p_after (NULL: from the start): a
-- full reconcile walks all partitions this way; last_partition is where the next chunk starts.
-- With p_margin, the fast path: partitions with activity since their rows were computed (new
-- partitions, pushes via partition_lookup.updated_at, pops and acks via lease and cursor
-- times, leases that expired since, retention deletes), those waiting longest first; the
-- p_margin look-back covers transactions still open when the previous computation took its
-- snapshot. Those are in no order to continue from: last_partition is NULL.
CREATE OR REPLACE FUNCTION queen.stats_refresh_chunk_v1(p_after uuid, p_limit integer, p_margin interval)
RETURNS TABLE (last_partition uuid, partitions integer, written integer, removed integer)
LANGUAGE plpgsql AS $fn$
DECLARE
    v_ids uuid[];
BEGIN
    IF p_margin IS NULL THEN
        SELECT array_agg(x.id ORDER BY x.id) INTO v_ids
          FROM (SELECT pt.id FROM queen.partitions pt
                 WHERE p_after IS NULL OR pt.id > p_after
                 ORDER BY pt.id LIMIT p_limit) x;
    ELSE
        SELECT array_agg(x.id) INTO v_ids
          FROM (SELECT pt.id
                  FROM queen.partitions pt
                  LEFT JOIN LATERAL (
                      SELECT min(s.last_computed_at) - p_margin AS since
                        FROM queen.stats s
                       WHERE s.stat_type = 'partition' AND s.partition_id = pt.id
                  ) c ON true
                 WHERE c.since IS NULL
                    OR EXISTS (SELECT 1 FROM queen.partition_lookup pl
                                WHERE pl.partition_id = pt.id AND pl.updated_at >= c.since)
                    OR EXISTS (SELECT 1 FROM queen.partition_consumers pc
                                WHERE pc.partition_id = pt.id
                                  AND (pc.created_at >= c.since OR pc.last_consumed_at >= c.since
                                       OR pc.lease_acquired_at >= c.since
                                       OR pc.lease_expires_at BETWEEN c.since AND now()))
                    OR EXISTS (SELECT 1 FROM queen.retention_history rh
                                WHERE rh.partition_id = pt.id AND rh.executed_at >= c.since)
                 ORDER BY c.since NULLS FIRST
                 LIMIT p_limit) x;
    END IF;
    IF v_ids IS NULL THEN
        RETURN QUERY SELECT NULL::uuid, 0, 0, 0;
        RETURN;
    END IF;
    RETURN QUERY SELECT CASE WHEN p_margin IS NULL THEN v_ids[cardinality(v_ids)] END, cardinality(v_ids),
                        r.written, r.removed
                   FROM queen.stats_refresh_partitions_v1(v_ids, p_margin) r;
END;
$fn$;

-- Queue, namespace, task and system rows, rolled up from the partition rows in one statement.
-- Each partition counts once, through one of its groups: __QUEUE_MODE__ when it has that row,
-- else the group with the most unconsumed messages (the same rule as the live resource
-- counts). child_count is the number of partitions of a queue, of queues otherwise. Lags of a
-- roll-up are taken over its partitions with unconsumed messages. Namespace and task rows of
-- names no queue carries any more are removed.
CREATE OR REPLACE FUNCTION queen.stats_rollup_v1()
RETURNS TABLE (level text, written integer, removed integer)
LANGUAGE sql AS $fn$
    WITH rep AS (
        SELECT DISTINCT ON (s.partition_id) s.*
          FROM queen.stats s
         WHERE s.stat_type = 'partition'
         ORDER BY s.partition_id, s.consumer_group = '__QUEUE_MODE__' DESC,
                  s.pending_messages + s.processing_messages DESC, s.consumer_group
    ),
    -- the queue rows reference their queue: key-share lock the queues without waiting, which
    -- leaves out those being deleted (see stats_refresh_partitions_v1)
    live AS (
        SELECT q.id, q.name, q.namespace, q.task FROM queen.queues q ORDER BY q.id FOR KEY SHARE SKIP LOCKED
    ),
    -- every (roll-up, queue) membership; a roll-up without queues still gets its row
    members AS (
        SELECT 'queue' AS level, q.name AS key, q.id AS row_queue_id, q.id AS member_queue FROM live q
        UNION ALL
        SELECT 'namespace', q.namespace, NULL, q.id FROM live q WHERE q.namespace <> ''
        UNION ALL
        SELECT 'task', q.task, NULL, q.id FROM live q WHERE q.task <> ''
        UNION ALL
        SELECT 'system', 'system', NULL, q.id FROM (VALUES (1)) one LEFT JOIN live q ON true
    ),
    rolled AS (
        SELECT m.level, m.key, m.row_queue_id,
               CASE WHEN m.level = 'queue' THEN count(r.partition_id) ELSE count(DISTINCT m.member_queue) END
                   AS children,
               coalesce(sum(r.total_messages), 0)::bigint AS total,
               coalesce(sum(r.pending_messages), 0)::bigint AS pending,
               coalesce(sum(r.processing_messages), 0)::bigint AS processing,
               coalesce(sum(r.completed_messages), 0)::bigint AS completed,
               coalesce(sum(r.dead_letter_messages), 0)::bigint AS dead_letter,
               min(r.oldest_pending_at) AS oldest, max(r.newest_message_at) AS newest,
               avg(r.max_lag_seconds) AS avg_lag, max(r.max_lag_seconds) AS max_lag,
               percentile_cont(0.5) WITHIN GROUP (ORDER BY r.max_lag_seconds) AS median_lag,
               avg(r.max_offset_lag)::float8 AS avg_offset, max(r.max_offset_lag) AS max_offset
          FROM members m
          LEFT JOIN rep r ON r.queue_id = m.member_queue
         GROUP BY m.level, m.key, m.row_queue_id
    ),
    upserted AS (
        INSERT INTO queen.stats AS s
               (stat_type, stat_key, queue_id, child_count, total_messages, pending_messages,
                processing_messages, completed_messages, dead_letter_messages, oldest_pending_at,
                newest_message_at, avg_lag_seconds, max_lag_seconds, median_lag_seconds, avg_offset_lag,
                max_offset_lag, last_computed_at)
        SELECT r.level, r.key, r.row_queue_id, r.children, r.total, r.pending, r.processing, r.completed,
               r.dead_letter, r.oldest, r.newest, r.avg_lag, r.max_lag, r.median_lag, r.avg_offset,
               r.max_offset, now()
          FROM rolled r
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
    -- names that are in no roll-up of this statement (it cannot see its own upserts)
    gone AS (
        DELETE FROM queen.stats s
         WHERE s.stat_type IN ('namespace', 'task')
           AND NOT EXISTS (SELECT 1 FROM rolled r WHERE r.level = s.stat_type AND r.key = s.stat_key)
        RETURNING s.stat_type
    )
    SELECT l.level,
           (SELECT count(*)::integer FROM upserted u WHERE u.stat_type = l.level),
           (SELECT count(*)::integer FROM gone g WHERE g.stat_type = l.level)
      FROM (VALUES ('queue'), ('namespace'), ('task'), ('system')) l(level)
$fn$;
