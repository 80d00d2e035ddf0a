-- Background jobs (retention, eviction): the steps that must lock partitions before they
-- look at the partitions' messages. Each step is two statements in one function because in
-- READ COMMITTED every statement takes a new snapshot: the check after the lock then sees
-- every push that committed before the lock was granted, and later pushes wait for it.

-- After messages were deleted, makes partition_lookup point to the newest message that is
-- left, so that wildcard pops stop visiting partitions whose only "new" message is gone.
-- A partition left empty loses its lookup row (the next push creates it again); its last push
-- is kept in partitions.last_activity for the inactive-partition cleanup.
-- Partitions a push holds locked right now are skipped: that push moves the lookup forward.
CREATE OR REPLACE FUNCTION queen.trim_partition_lookup_v1(p_pids uuid[])
RETURNS integer
LANGUAGE plpgsql AS $fn$
DECLARE
    v_locked uuid[];
    v_n      integer;
    v_m      integer;
BEGIN
    -- same lock and order as push (FOR NO KEY UPDATE by id): no deadlock, pops are not blocked
    SELECT coalesce(array_agg(l.id), '{}') INTO v_locked FROM (
        SELECT pt.id FROM queen.partitions pt
         WHERE pt.id = ANY (p_pids)
         ORDER BY pt.id
           FOR NO KEY UPDATE SKIP LOCKED) l;

    UPDATE queen.partitions pt
       SET last_activity = greatest(pt.last_activity, pl.updated_at)
      FROM queen.partition_lookup pl
     WHERE pl.partition_id = pt.id AND pt.id = ANY (v_locked)
       AND NOT EXISTS (SELECT 1 FROM queen.messages m WHERE m.partition_id = pt.id);

    DELETE FROM queen.partition_lookup pl
     WHERE pl.partition_id = ANY (v_locked)
       AND NOT EXISTS (SELECT 1 FROM queen.messages m WHERE m.partition_id = pl.partition_id);
    GET DIAGNOSTICS v_n = ROW_COUNT;

    -- updated_at stays: the row is not news for the pops' empty-scan watermark
    UPDATE queen.partition_lookup pl
       SET (last_message_id, last_message_created_at) = (
            SELECT m.id, m.created_at FROM queen.messages m
             WHERE m.partition_id = pl.partition_id
             ORDER BY m.created_at DESC, m.id DESC LIMIT 1)
     WHERE pl.partition_id = ANY (v_locked)
       AND NOT EXISTS (SELECT 1 FROM queen.messages m WHERE m.id = pl.last_message_id)
       AND EXISTS (SELECT 1 FROM queen.messages m WHERE m.partition_id = pl.partition_id);
    GET DIAGNOSTICS v_m = ROW_COUNT;
    RETURN v_n + v_m;
END;
$fn$;

-- Deletes the given messages (their DLQ rows and traces cascade) and answers how many went per
-- partition: the tail every retention and eviction step shares.
CREATE OR REPLACE FUNCTION queen.delete_messages_v1(p_ids uuid[])
RETURNS TABLE (partition_id uuid, deleted integer)
LANGUAGE sql AS $fn$
    WITH gone AS (
        DELETE FROM queen.messages m WHERE m.id = ANY (p_ids) RETURNING m.partition_id
    )
    SELECT gone.partition_id, count(*)::integer FROM gone GROUP BY gone.partition_id
$fn$;
