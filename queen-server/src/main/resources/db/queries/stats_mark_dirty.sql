-- Puts partitions $1 back on the stats work list (their refresh failed).
SELECT queen.stats_mark_dirty_v1($1::uuid[])
