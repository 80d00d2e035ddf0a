-- Trace names with their event and message counts, most recently used first, one page
-- ($1 limit, $2 offset) plus the number of distinct names. An empty page still returns one
-- row (total, NULL name columns).
WITH names AS (
    SELECT n.trace_name, count(*) AS trace_count, count(DISTINCT t.message_id) AS message_count,
           max(t.created_at) AS last_seen
      FROM queen.message_trace_names n
      JOIN queen.message_traces t ON t.id = n.trace_id
     GROUP BY n.trace_name
)
SELECT c.total, page.*
  FROM (SELECT count(*) AS total FROM names) c
  LEFT JOIN LATERAL (
      SELECT * FROM names ORDER BY last_seen DESC, trace_name LIMIT $1 OFFSET $2
  ) page ON true
