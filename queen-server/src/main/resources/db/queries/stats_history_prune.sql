-- Deletes up to $2 stats_history rows older than $1 days (one batch).
DELETE FROM queen.stats_history
 WHERE ctid = ANY (ARRAY(SELECT h.ctid FROM queen.stats_history h
                          WHERE h.bucket_time < now() - make_interval(days => $1)
                          LIMIT $2))
