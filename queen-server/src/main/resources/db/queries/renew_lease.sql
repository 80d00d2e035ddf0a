-- Extends every still-active lease row of a lease id (a multi-partition pop holds several).
WITH renewed AS (
    UPDATE queen.partition_consumers
       SET lease_expires_at = GREATEST(lease_expires_at, now() + make_interval(secs => $2))
     WHERE worker_id = $1 AND lease_expires_at > now()
    RETURNING lease_expires_at
)
SELECT (SELECT min(lease_expires_at) FROM renewed) AS expires_at,
       EXISTS (SELECT 1 FROM queen.partition_consumers WHERE worker_id = $1) AS known,
       EXISTS (SELECT 1 FROM queen.partition_consumers
                WHERE worker_id = $1 AND lease_expires_at <= now()) AS expired
