-- Metrics retention: deletes up to $2 ack-log rows older than $1 days (one batch).
DELETE FROM queen.messages_consumed
 WHERE id IN (SELECT mc.id FROM queen.messages_consumed mc
               WHERE mc.acked_at < now() - make_interval(days => $1)
               LIMIT $2)
