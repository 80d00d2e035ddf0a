-- Ready rows a pop is working on right now are left to it (it drops them when it finds the
-- group has no cursor left there and nothing to read, or the group comes back).
WITH ready AS (
    DELETE FROM queen.partition_ready r
     WHERE (r.partition_id, r.consumer_group) IN (
           SELECT x.partition_id, x.consumer_group FROM queen.partition_ready x
            WHERE x.consumer_group = $1 FOR UPDATE SKIP LOCKED)
), cursors AS (
    DELETE FROM queen.partition_consumers WHERE consumer_group = $1 RETURNING 1
), subscriptions AS (
    DELETE FROM queen.consumer_groups_metadata WHERE consumer_group = $1 AND $2 RETURNING 1
), watermarks AS (
    DELETE FROM queen.consumer_watermarks WHERE consumer_group = $1
)
SELECT (SELECT count(*) FROM cursors) AS deleted_partitions,
       (SELECT count(*) FROM subscriptions) > 0 AS metadata_deleted
