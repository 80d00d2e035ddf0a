-- Moves consumer group $1's subscription start to $2. Runs after group_change_lock and
-- group_forget_walks (ConsumerGroupAdmin).
WITH updated AS (
    UPDATE queen.consumer_groups_metadata SET subscription_timestamp = $2
     WHERE consumer_group = $1
    RETURNING 1
)
SELECT count(*) AS rows_updated FROM updated
