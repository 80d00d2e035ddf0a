-- One slice of the inactive-partition cleanup: up to $2 partitions after $1 (NULL: from the
-- start) looked at, up to $4 of those idle for $3 days deleted. See
-- queen.delete_inactive_partitions_v2.
SELECT last_partition, deleted FROM queen.delete_inactive_partitions_v2($1, $2, $3, $4)
