-- Stats fast path, step 2: up to $1 partitions taken off the work list, oldest first.
SELECT queen.stats_take_dirty_v1($1) AS partitions
