-- Both maintenance switches with their version (the time of the last change, in
-- microseconds): copies held by the workers only ever move to a newer version.
SELECT k.key,
       coalesce((s.value ->> 'enabled')::boolean, false) AS enabled,
       coalesce((extract(epoch FROM s.updated_at) * 1000000)::bigint, 0) AS version
  FROM unnest(ARRAY['maintenance_mode', 'pop_maintenance_mode']) AS k(key)
  LEFT JOIN queen.system_state s ON s.key = k.key
