-- Deletes consumer group $1 on queue $2 ($3: its subscription too). Runs after
-- group_change_lock, group_forget_walks and group_lock_ready (ConsumerGroupAdmin).
-- The state the group's streams query (streams.<query name>) kept for the queue's partitions
-- goes with the cursors (see delete_consumer_group).
WITH ready AS (
    DELETE FROM queen.partition_ready r
     WHERE (r.partition_id, r.consumer_group) IN (
           SELECT x.partition_id, x.consumer_group FROM queen.partition_ready x
             JOIN queen.queues q ON q.id = x.queue_id
            WHERE x.consumer_group = $1 AND q.name = $2 FOR UPDATE OF x SKIP LOCKED)
), cursors AS (
    DELETE FROM queen.partition_consumers pc
     USING queen.partitions pt, queen.queues q
     WHERE pc.partition_id = pt.id AND pt.queue_id = q.id
       AND pc.consumer_group = $1 AND q.name = $2
    RETURNING pc.partition_id
), dirty AS (
    -- the group's statistics rows go at the job's next cycle, not at the next reconcile
    SELECT queen.stats_mark_dirty_v1(array_agg(c.partition_id)) FROM cursors c
), stream_state AS (
    DELETE FROM queen_streams.state s
     USING queen_streams.queries sq, queen.partitions pt, queen.queues q
     WHERE s.query_id = sq.id AND 'streams.' || sq.name = $1
       AND s.partition_id = pt.id AND pt.queue_id = q.id AND q.name = $2
), subscriptions AS (
    DELETE FROM queen.consumer_groups_metadata
     WHERE consumer_group = $1 AND queue_name = $2 AND $3
    RETURNING 1
)
SELECT (SELECT count(*) FROM cursors) AS deleted_partitions,
       (SELECT count(*) FROM subscriptions) > 0 AS metadata_deleted
  FROM dirty -- one row (an aggregate), read so that it runs
