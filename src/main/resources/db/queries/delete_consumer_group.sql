WITH cursors AS (
    DELETE FROM queen.partition_consumers WHERE consumer_group = $1 RETURNING 1
), subscriptions AS (
    DELETE FROM queen.consumer_groups_metadata WHERE consumer_group = $1 AND $2 RETURNING 1
), watermarks AS (
    DELETE FROM queen.consumer_watermarks WHERE consumer_group = $1
)
SELECT (SELECT count(*) FROM cursors) AS deleted_partitions,
       (SELECT count(*) FROM subscriptions) > 0 AS metadata_deleted
