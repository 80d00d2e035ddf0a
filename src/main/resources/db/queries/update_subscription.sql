WITH updated AS (
    UPDATE queen.consumer_groups_metadata SET subscription_timestamp = $2
     WHERE consumer_group = $1
    RETURNING 1
), watermarks AS (
    DELETE FROM queen.consumer_watermarks WHERE consumer_group = $1
)
SELECT count(*) AS rows_updated FROM updated
