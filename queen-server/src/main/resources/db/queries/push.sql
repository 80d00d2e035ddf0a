SELECT pair_partition_ids, duplicate_idx, duplicate_ids
  FROM queen.push_v3($1, $2, $3, $4, $5, $6, $7, $8, $9)
