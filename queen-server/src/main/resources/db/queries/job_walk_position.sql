-- Where background walk $1 stands: the last partition it looked at (NULL or no row: a new
-- pass starts) and the last partition of its pass; last_partition is the partition that is
-- last in id order now, where a new pass would end.
SELECT w.resume_after, w.pass_end,
       (SELECT pt.id FROM queen.partitions pt ORDER BY pt.id DESC LIMIT 1) AS last_partition
  FROM (VALUES (1)) one
  LEFT JOIN queen.job_walks w ON w.walk = $1
