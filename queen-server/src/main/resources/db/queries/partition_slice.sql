-- The next slice of a walk over all partitions: the last id and the number of the up to $2
-- partitions after $1 (the nil uuid: from the first one) up to $3, in id order.
WITH s AS (
    SELECT pt.id FROM queen.partitions pt WHERE pt.id > $1::uuid AND pt.id <= $3::uuid ORDER BY pt.id LIMIT $2
)
SELECT (SELECT s.id FROM s ORDER BY s.id DESC LIMIT 1) AS last_partition,
       (SELECT count(*)::integer FROM s) AS partitions
