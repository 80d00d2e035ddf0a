-- The queues a dashboard view covers: $1 queue name, $2 namespace, $3 task (NULL: any). Not a
-- statement of its own but the body of the "scoped" CTE of the status queries.
SELECT q.*
  FROM queen.queues q
 WHERE ($1::text IS NULL OR q.name = $1::text)
   AND ($2::text IS NULL OR q.namespace = $2::text)
   AND ($3::text IS NULL OR q.task = $3::text)
