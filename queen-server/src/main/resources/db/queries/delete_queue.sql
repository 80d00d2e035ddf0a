-- Removes the queue with everything below it (see queen.delete_queue_v1).
SELECT queen.delete_queue_v1($1) AS existed
