-- Deletes every message of queue $1, keeping the queue (see clear_queue_v1); NULL: no such queue.
SELECT queen.clear_queue_v1($1) AS deleted
