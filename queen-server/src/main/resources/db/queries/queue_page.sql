-- A page of the queue listing (resources and status, spec 3.8/3.12) at any number of queues:
-- the queues are filtered and ordered in the queues table, and only the page's partitions get
-- the live counts. $1 queue name (always NULL here; the shared fragments take it), $2
-- namespace, $3 task, $4 search (part of the name, any case), $5 limit, $6 offset.
-- /*order*/ is one of QueueOrder's fixed orderings. An ordering by a count uses the statistics
-- job's per-queue sums (seconds old), because counting every queue live to sort them is what
-- does not scale; the counts returned are live.
-- The first row carries the number of matching queues; its queue columns are NULL when the
-- page is empty.
WITH matching AS (
    SELECT q.id, q.name, q.namespace, q.task, q.created_at
      FROM (/*scoped_queues*/) q
     WHERE $4::text IS NULL OR strpos(lower(q.name), lower($4::text)) > 0
), ranked AS (
    SELECT m.*, row_number() OVER (ORDER BY /*order*/) AS rank
      FROM matching m
      LEFT JOIN queen.stats_queue_sums s ON s.queue_id = m.id
), page AS (
    SELECT * FROM ranked WHERE rank > $6 ORDER BY rank LIMIT $5
), counts AS (/*partition_counts*/)
SELECT (SELECT count(*) FROM matching) AS matching_total,
       p.id, p.name, p.namespace, p.task, p.created_at,
       count(c.partition_id) AS partitions,
       coalesce(sum(c.total), 0)::bigint AS total,
       coalesce(sum(c.pending), 0)::bigint AS pending,
       coalesce(sum(c.processing), 0)::bigint AS processing
  FROM (SELECT 1) one
  LEFT JOIN page p ON true
  LEFT JOIN counts c ON c.queue_id = p.id
 GROUP BY p.id, p.name, p.namespace, p.task, p.created_at, p.rank
 ORDER BY p.rank
