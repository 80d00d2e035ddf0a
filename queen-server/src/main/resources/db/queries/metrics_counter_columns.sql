-- The columns of the tables $1 that keep the counters (start-up check against QueenCounter).
SELECT table_name::text AS table_name, column_name::text AS column_name, data_type::text AS data_type
  FROM information_schema.columns
 WHERE table_schema = 'queen' AND table_name = ANY ($1::text[])
