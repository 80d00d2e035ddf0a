-- Remembers where background walk $1 continues ($2; NULL: from the start).
INSERT INTO queen.job_walks (walk, resume_after, updated_at) VALUES ($1, $2::uuid, now())
ON CONFLICT (walk) DO UPDATE SET resume_after = EXCLUDED.resume_after, updated_at = EXCLUDED.updated_at
