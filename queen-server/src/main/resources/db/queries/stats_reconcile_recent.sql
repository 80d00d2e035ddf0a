-- Whether any server finished a stats reconcile within the last $1 milliseconds (debounce).
SELECT EXISTS (SELECT 1 FROM queen.stats_job_runs r
                WHERE r.job = 'reconcile' AND r.finished_at > now() - make_interval(secs => $1 / 1000.0))
