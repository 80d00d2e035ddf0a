-- One slice of the inactive-partition cleanup: up to $3 partitions after $1 (NULL: from the
-- start) up to $2 looked at, up to $5 of those idle for $4 days deleted. See
-- queen.delete_inactive_partitions_v2.
SELECT last_partition, deleted FROM queen.delete_inactive_partitions_v2($1, $2, $3, $4, $5)
