SELECT queen.delete_inactive_partitions_v1($1, $2) AS deleted
