-- Every bucket of $3 minutes, aligned on the epoch, from the one holding $1 to the one holding
-- $2. Not a statement of its own but the body of the "buckets" CTE of the time series.
SELECT b
  FROM generate_series(date_bin(make_interval(mins => $3), $1::timestamptz, 'epoch'),
                       $2::timestamptz, make_interval(mins => $3)) b
