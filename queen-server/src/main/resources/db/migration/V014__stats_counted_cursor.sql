-- Issue 15: the statistics fast path counted, on every refresh of a partition, every message
-- after each group's cursor: a backlog of a million messages was counted in full every few
-- seconds while anything touched its partition (one refresh of a benchmark's backlog took 1.6 s
-- of PostgreSQL CPU). A partition row now keeps the count it found and the cursor it counted
-- from, so that the next refresh counts only what moved: the messages added since and those
-- between the old cursor and the new one (stats_refresh_partitions_v1).
ALTER TABLE queen.stats
    ADD COLUMN IF NOT EXISTS counted_cursor_at timestamptz,
    ADD COLUMN IF NOT EXISTS counted_cursor_id uuid,
    ADD COLUMN IF NOT EXISTS counted_after     bigint;
