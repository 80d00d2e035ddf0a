-- Configure (spec 1.2): a full upsert. Options the request left out (NULL here) are reset to
-- their defaults, and those are the column defaults of queen.queues (V001): the one place that
-- says what a queue's defaults are, for a queue made by configure as for one a push created.
CREATE OR REPLACE FUNCTION queen.configure_queue_v1(
    p_name                  text,
    p_namespace             text,
    p_task                  text,
    p_lease_time            integer,
    p_max_queue_size        integer,
    p_ttl                   integer,
    p_retry_limit           integer,
    p_retry_delay           integer,
    p_dead_letter_queue     boolean,
    p_dlq_after_max_retries boolean,
    p_priority              integer,
    p_delayed_processing    integer,
    p_window_buffer         integer,
    p_retention_seconds     integer,
    p_completed_retention   integer,
    p_retention_enabled     boolean,
    p_encryption_enabled    boolean,
    p_max_wait_time_seconds integer)
RETURNS TABLE (queue queen.queues, default_partition_id uuid)
LANGUAGE plpgsql AS $fn$
DECLARE
    v_queue queen.queues;
    v_partition uuid;
BEGIN
    INSERT INTO queen.queues AS q (name, namespace, task) VALUES (p_name, p_namespace, p_task)
    ON CONFLICT (name) DO UPDATE SET
        namespace = EXCLUDED.namespace, task = EXCLUDED.task,
        lease_time = DEFAULT, max_queue_size = DEFAULT, ttl = DEFAULT, retry_limit = DEFAULT,
        retry_delay = DEFAULT, dead_letter_queue = DEFAULT, dlq_after_max_retries = DEFAULT,
        priority = DEFAULT, delayed_processing = DEFAULT, window_buffer = DEFAULT,
        retention_seconds = DEFAULT, completed_retention_seconds = DEFAULT, retention_enabled = DEFAULT,
        encryption_enabled = DEFAULT, max_wait_time_seconds = DEFAULT;
    UPDATE queen.queues q SET
        lease_time = coalesce(p_lease_time, q.lease_time),
        max_queue_size = coalesce(p_max_queue_size, q.max_queue_size),
        ttl = coalesce(p_ttl, q.ttl),
        retry_limit = coalesce(p_retry_limit, q.retry_limit),
        retry_delay = coalesce(p_retry_delay, q.retry_delay),
        dead_letter_queue = coalesce(p_dead_letter_queue, q.dead_letter_queue),
        dlq_after_max_retries = coalesce(p_dlq_after_max_retries, q.dlq_after_max_retries),
        priority = coalesce(p_priority, q.priority),
        delayed_processing = coalesce(p_delayed_processing, q.delayed_processing),
        window_buffer = coalesce(p_window_buffer, q.window_buffer),
        retention_seconds = coalesce(p_retention_seconds, q.retention_seconds),
        completed_retention_seconds = coalesce(p_completed_retention, q.completed_retention_seconds),
        retention_enabled = coalesce(p_retention_enabled, q.retention_enabled),
        encryption_enabled = coalesce(p_encryption_enabled, q.encryption_enabled),
        max_wait_time_seconds = coalesce(p_max_wait_time_seconds, q.max_wait_time_seconds)
     WHERE q.name = p_name
    RETURNING q.* INTO v_queue;
    -- configure guarantees the Default partition
    INSERT INTO queen.partitions AS p (queue_id, name) VALUES (v_queue.id, 'Default')
    ON CONFLICT (queue_id, name) DO UPDATE SET name = EXCLUDED.name
    RETURNING p.id INTO v_partition;
    RETURN QUERY SELECT v_queue, v_partition;
END;
$fn$;

-- An operator's "clear": deletes every message of queue p_name (their dead letters and traces
-- cascade) and keeps the queue, its settings, partitions and consumer cursors. The lookup then
-- forgets the emptied partitions, so that wildcard pops stop visiting them, and the statistics
-- job recounts them. A push that commits during the clear keeps its messages. Returns the
-- number of messages deleted, NULL when there is no such queue.
CREATE OR REPLACE FUNCTION queen.clear_queue_v1(p_name text)
RETURNS bigint
LANGUAGE plpgsql AS $fn$
DECLARE
    v_pids uuid[];
    v_n    bigint;
BEGIN
    IF NOT EXISTS (SELECT 1 FROM queen.queues WHERE name = p_name) THEN
        RETURN NULL;
    END IF;
    SELECT coalesce(array_agg(pt.id), '{}') INTO v_pids
      FROM queen.partitions pt JOIN queen.queues q ON q.id = pt.queue_id
     WHERE q.name = p_name;
    DELETE FROM queen.messages WHERE partition_id = ANY (v_pids);
    GET DIAGNOSTICS v_n = ROW_COUNT;
    PERFORM queen.trim_partition_lookup_v1(v_pids);
    PERFORM queen.stats_mark_dirty_v1(v_pids);
    RETURN v_n;
END;
$fn$;

-- Deleting a queue, first step, repeated: up to p_limit of the queue's partitions go with their
-- messages (cursors, lookup, ready and statistics rows cascade; messages have no foreign key,
-- see push_v3), so that a queue with a million partitions is removed in statements that each
-- stay far below the statement timeout. Partitions a push holds right now are left for the
-- final step. The streams state kept for them goes too (it has no foreign key to them).
-- Returns how many partitions went.
CREATE OR REPLACE FUNCTION queen.delete_queue_partitions_v1(p_name text, p_limit integer)
RETURNS integer
LANGUAGE plpgsql AS $fn$
DECLARE
    v_pids uuid[];
BEGIN
    SELECT coalesce(array_agg(d.id), '{}') INTO v_pids FROM (
        SELECT pt.id
          FROM queen.partitions pt
         WHERE pt.queue_id = (SELECT q.id FROM queen.queues q WHERE q.name = p_name)
         ORDER BY pt.id
         LIMIT p_limit
           FOR UPDATE SKIP LOCKED) d;
    -- a statement of its own: its snapshot holds every push that committed before the lock
    DELETE FROM queen.messages m WHERE m.partition_id = ANY (v_pids);
    DELETE FROM queen_streams.state s WHERE s.partition_id = ANY (v_pids);
    DELETE FROM queen.partitions pt WHERE pt.id = ANY (v_pids);
    RETURN cardinality(v_pids);
END;
$fn$;

-- Deleting a queue, final step: the queue with everything below it, and the per-queue rows
-- that have no foreign key: among them the streams queries reading from it (their state
-- cascades), which have nothing left to consume. The queue row is locked first, which waits
-- for pushes creating a partition in it (their foreign key check shares that row) and keeps
-- new ones out; then its partitions, which waits for pushes into them. Returns whether the
-- queue existed.
CREATE OR REPLACE FUNCTION queen.delete_queue_v1(p_name text)
RETURNS boolean
LANGUAGE plpgsql AS $fn$
DECLARE
    v_queue uuid;
    v_pids  uuid[];
BEGIN
    SELECT q.id INTO v_queue FROM queen.queues q WHERE q.name = p_name FOR UPDATE;
    DELETE FROM queen.consumer_watermarks WHERE queue_name = p_name;
    DELETE FROM queen.consumer_groups_metadata WHERE queue_name = p_name;
    DELETE FROM queen_streams.queries WHERE source_queue = p_name;
    IF v_queue IS NULL THEN
        RETURN false;
    END IF;
    SELECT coalesce(array_agg(d.id), '{}') INTO v_pids FROM (
        SELECT pt.id FROM queen.partitions pt WHERE pt.queue_id = v_queue ORDER BY pt.id FOR UPDATE) d;
    DELETE FROM queen.messages m WHERE m.partition_id = ANY (v_pids);
    DELETE FROM queen_streams.state s WHERE s.partition_id = ANY (v_pids);
    DELETE FROM queen.queues WHERE id = v_queue;
    RETURN true;
END;
$fn$;
