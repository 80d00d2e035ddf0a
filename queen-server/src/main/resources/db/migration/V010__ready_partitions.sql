-- Wildcard pop discovery at a cost independent of the number of partitions.
--
-- Before this migration a wildcard pop scanned partition_lookup for every partition of the
-- queue and compared each with the group's cursor: its cost grew with the partitions that
-- were empty, leased or already consumed. Now each (partition, consumer group) that may have
-- messages for a wildcard consumer has a row in partition_ready, and a pop takes the oldest
-- visible rows with FOR UPDATE SKIP LOCKED.
--
-- Who keeps the rows:
--  * push (and requeue) upserts a row for every consumer group registered on the queue;
--  * a group registers on its first wildcard pop (a consumer_watermarks row) and then walks
--    the queue's existing partitions in chunks, a few thousand per pop ("backfill"); a deleted
--    watermark row (seek, subscription change, group deletion, or an operator) makes the
--    group register and walk again, which is how old partitions become visible again;
--  * a pop that leases a partition hides the row until the lease expires (visible_at), so
--    an abandoned lease brings the partition back by itself; whoever ends a lease earlier
--    (ack, failed/retry ack, dead-lettering, an undelivered pop) makes it visible again or,
--    when the group has consumed everything, deletes it.
-- The rows are hints: a pop checks the truth (cursor, lease, messages) and repairs a wrong
-- row. What must never happen is a group having messages in a partition without a row; the
-- rules that keep that true:
--  * Lock order everywhere: partitions (push), then partition_ready rows, then
--    partition_consumers rows. Pops take ready rows with SKIP LOCKED and never wait for one.
--  * A row is deleted only by someone holding its lock who read the messages (or the
--    lookup) after taking it. A push locks the row of every group (the upsert) before it
--    commits, so it either waits for that delete and inserts the row again, or commits first
--    and its messages are seen.
--  * Registration takes the queue's advisory lock exclusively; pushes hold it shared from
--    their upsert until commit. A push that committed before a registration is found by the
--    backfill; one after it upserts the group's row.

CREATE TABLE IF NOT EXISTS queen.partition_ready (
    partition_id   uuid NOT NULL REFERENCES queen.partitions(id) ON DELETE CASCADE,
    consumer_group text NOT NULL,
    queue_id       uuid NOT NULL,
    -- when a pop may look at the partition next: now for fresh work, the lease expiry while
    -- leased, the end of a window buffer or delay
    visible_at     timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (partition_id, consumer_group)
) WITH (fillfactor = 70, autovacuum_vacuum_scale_factor = 0.01, autovacuum_vacuum_cost_delay = 0);
CREATE INDEX IF NOT EXISTS idx_partition_ready_claim
    ON queen.partition_ready (consumer_group, queue_id, visible_at);

-- A group's cursors, for the walk of a group that subscribed "from now" (see ready_prepare_v1).
-- consumer_group and partition_id never change, so updates of the row stay HOT.
CREATE INDEX IF NOT EXISTS idx_partition_consumers_group
    ON queen.partition_consumers (consumer_group, partition_id);

-- Where a registered group's walk over the queue's existing partitions is (partition id order);
-- NULL when it is complete. A row inserted by other tools starts a walk from the beginning.
ALTER TABLE queen.consumer_watermarks
    ADD COLUMN IF NOT EXISTS backfill_after uuid DEFAULT '00000000-0000-0000-0000-000000000000';
