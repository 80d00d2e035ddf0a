-- Where background walk $1 continues: the last partition it looked at (no row or NULL: from
-- the start).
SELECT w.resume_after FROM queen.job_walks w WHERE w.walk = $1
