-- clock_timestamp, not now(): two changes in quick succession must get increasing versions
INSERT INTO queen.system_state (key, value, updated_at)
VALUES ($1, jsonb_build_object('enabled', $2::boolean), clock_timestamp())
ON CONFLICT (key) DO UPDATE SET value = EXCLUDED.value, updated_at = EXCLUDED.updated_at
RETURNING (extract(epoch FROM updated_at) * 1000000)::bigint AS version
