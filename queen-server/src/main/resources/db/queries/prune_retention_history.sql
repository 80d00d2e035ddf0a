-- Metrics retention: deletes up to $2 retention_history rows older than $1 days (one batch).
DELETE FROM queen.retention_history
 WHERE id IN (SELECT rh.id FROM queen.retention_history rh
               WHERE rh.executed_at < now() - make_interval(days => $1)
               LIMIT $2)
