-- Remembers where background walk $1 continues ($2; NULL: the pass is complete) and where its
-- pass ends ($3).
INSERT INTO queen.job_walks (walk, resume_after, pass_end, updated_at) VALUES ($1, $2::uuid, $3::uuid, now())
ON CONFLICT (walk) DO UPDATE
   SET resume_after = EXCLUDED.resume_after, pass_end = EXCLUDED.pass_end, updated_at = EXCLUDED.updated_at
