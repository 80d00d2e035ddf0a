-- Removes the queue with everything below it (partitions, messages, cursors, lookup rows
-- cascade) and the per-queue rows that have no foreign key: among them the streams queries
-- reading from it (their state cascades), which have nothing left to consume.
WITH watermarks AS (
    DELETE FROM queen.consumer_watermarks WHERE queue_name = $1
), subscriptions AS (
    DELETE FROM queen.consumer_groups_metadata WHERE queue_name = $1
), stream_queries AS (
    DELETE FROM queen_streams.queries WHERE source_queue = $1
), deleted AS (
    DELETE FROM queen.queues WHERE name = $1 RETURNING id
)
SELECT EXISTS (SELECT 1 FROM deleted) AS existed
