-- Gives back the partitions a pop leased ($1 lease id) when its answer could not be delivered:
-- nobody holds those messages, so they need not wait for the lease to expire.
UPDATE queen.partition_consumers
   SET lease_expires_at = NULL, lease_acquired_at = NULL, worker_id = NULL, batch_size = 0, acked_count = 0
 WHERE worker_id = $1
