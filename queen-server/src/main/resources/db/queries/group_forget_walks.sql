-- Second step of a change to where consumer group $1 reads, on queue $2 (NULL: every queue):
-- the group's watermark rows go, so that its next wildcard pop registers again and walks the
-- queue's partitions with the changed cursors (spec 1.21). Waits for a walk step in progress,
-- which holds its row.
DELETE FROM queen.consumer_watermarks WHERE consumer_group = $1 AND ($2::text IS NULL OR queue_name = $2)
