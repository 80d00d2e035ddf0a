-- Third step of a change to consumer group $1's cursors on queue $2 (NULL: every queue): its
-- ready rows locked in partition order, as pops and acks take them before the cursor rows, so
-- that the change and a pop never wait for each other the other way round.
SELECT r.partition_id
  FROM queen.partition_ready r
 WHERE r.consumer_group = $1
   AND ($2::text IS NULL OR r.queue_id = (SELECT q.id FROM queen.queues q WHERE q.name = $2))
 ORDER BY r.partition_id
   FOR UPDATE
