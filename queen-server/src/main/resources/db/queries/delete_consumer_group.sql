-- Deletes consumer group $1 everywhere ($2: its subscriptions too). Runs after
-- group_change_lock, group_forget_walks and group_lock_ready (ConsumerGroupAdmin).
-- A streams query's group (streams.<query name>, as the SDKs name it) starts over from its
-- subscription once its cursors are gone: the query's state goes with them, or the windows
-- would count the messages read again twice.
WITH ready AS (
    DELETE FROM queen.partition_ready r
     WHERE (r.partition_id, r.consumer_group) IN (
           SELECT x.partition_id, x.consumer_group FROM queen.partition_ready x
            WHERE x.consumer_group = $1 FOR UPDATE SKIP LOCKED)
), cursors AS (
    DELETE FROM queen.partition_consumers WHERE consumer_group = $1 RETURNING partition_id
), dirty AS (
    -- the group's statistics rows go at the job's next cycle, not at the next reconcile
    SELECT queen.stats_mark_dirty_v1(array_agg(c.partition_id)) FROM cursors c
), stream_state AS (
    DELETE FROM queen_streams.state s
     USING queen_streams.queries q
     WHERE s.query_id = q.id AND 'streams.' || q.name = $1
), subscriptions AS (
    DELETE FROM queen.consumer_groups_metadata WHERE consumer_group = $1 AND $2 RETURNING 1
)
SELECT (SELECT count(*) FROM cursors) AS deleted_partitions,
       (SELECT count(*) FROM subscriptions) > 0 AS metadata_deleted
  FROM dirty -- one row (an aggregate), read so that it runs
