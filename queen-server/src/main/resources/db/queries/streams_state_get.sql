-- The state rows of query $1 on partition $2, by key: all of them, or those listed in $3
-- (empty: no filter), starting with $4 (NULL: no filter), and with $5 (NULL: no filter) the
-- windows that ended by then (value.windowEnd a number <= $5: ripe for an idle flush).
SELECT s.key, s.value::text AS value, s.updated_at
  FROM queen_streams.state s
 WHERE s.query_id = $1 AND s.partition_id = $2
   AND (cardinality($3::text[]) = 0 OR s.key = ANY ($3::text[]))
   AND ($4::text IS NULL OR starts_with(s.key, $4::text))
   AND ($5::numeric IS NULL OR (jsonb_typeof(s.value -> 'windowEnd') = 'number'
                                AND (s.value -> 'windowEnd')::numeric <= $5::numeric))
 ORDER BY s.key
