SELECT queen.trim_partition_lookup_v1($1::uuid[]) AS trimmed
