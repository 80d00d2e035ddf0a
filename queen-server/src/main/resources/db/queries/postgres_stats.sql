-- /analytics/postgres-stats: one JSON document built from PostgreSQL's statistics views for
-- this database and the queen schema. Ratios are percentages (NULL before any access).
-- bufferUsage would need the pg_buffercache extension, which is not read here: the answer
-- says whether it is installed and that its per-table figures are not collected.
WITH tables AS (
    SELECT t.relid, t.relname AS table_name, t.n_live_tup, t.n_dead_tup, t.n_tup_upd, t.n_tup_hot_upd,
           t.n_mod_since_analyze, t.last_vacuum, t.last_autovacuum, t.last_analyze, t.last_autoanalyze,
           t.vacuum_count, t.autovacuum_count, t.analyze_count, t.autoanalyze_count,
           io.heap_blks_read, io.heap_blks_hit, io.idx_blks_read, io.idx_blks_hit
      FROM pg_stat_user_tables t
      JOIN pg_statio_user_tables io ON io.relid = t.relid
     WHERE t.schemaname = 'queen'
)
SELECT json_build_object(
    'databaseCache', (
        SELECT json_build_object('database', d.datname, 'blocksRead', d.blks_read, 'blocksHit', d.blks_hit,
                                 'hitRatio', round(100.0 * d.blks_hit / nullif(d.blks_hit + d.blks_read, 0), 2),
                                 'transactionsCommitted', d.xact_commit, 'transactionsRolledBack', d.xact_rollback,
                                 'deadlocks', d.deadlocks, 'tempBytes', d.temp_bytes)
          FROM pg_stat_database d WHERE d.datname = current_database()),
    'tableCache', (
        SELECT coalesce(json_agg(json_build_object('table', t.table_name, 'heapBlocksRead', t.heap_blks_read,
                   'heapBlocksHit', t.heap_blks_hit,
                   'hitRatio', round(100.0 * t.heap_blks_hit / nullif(t.heap_blks_hit + t.heap_blks_read, 0), 2))
                   ORDER BY t.heap_blks_hit + t.heap_blks_read DESC, t.table_name), '[]')
          FROM tables t),
    'indexCache', (
        SELECT coalesce(json_agg(json_build_object('table', i.relname, 'index', i.indexrelname,
                   'blocksRead', i.idx_blks_read, 'blocksHit', i.idx_blks_hit,
                   'hitRatio', round(100.0 * i.idx_blks_hit / nullif(i.idx_blks_hit + i.idx_blks_read, 0), 2))
                   ORDER BY i.idx_blks_hit + i.idx_blks_read DESC, i.indexrelname), '[]')
          FROM pg_statio_user_indexes i WHERE i.schemaname = 'queen'),
    'cacheSummary', (
        SELECT json_build_object(
                   'heapBlocksRead', coalesce(sum(t.heap_blks_read), 0),
                   'heapBlocksHit', coalesce(sum(t.heap_blks_hit), 0),
                   'heapHitRatio', round(100.0 * sum(t.heap_blks_hit)
                                         / nullif(sum(t.heap_blks_hit + t.heap_blks_read), 0), 2),
                   'indexBlocksRead', coalesce(sum(t.idx_blks_read), 0),
                   'indexBlocksHit', coalesce(sum(t.idx_blks_hit), 0),
                   'indexHitRatio', round(100.0 * sum(t.idx_blks_hit)
                                          / nullif(sum(t.idx_blks_hit + t.idx_blks_read), 0), 2))
          FROM tables t),
    'deadTuples', (
        SELECT coalesce(json_agg(json_build_object('table', t.table_name, 'liveTuples', t.n_live_tup,
                   'deadTuples', t.n_dead_tup,
                   'deadRatio', round(100.0 * t.n_dead_tup / nullif(t.n_live_tup + t.n_dead_tup, 0), 2),
                   'lastVacuum', t.last_vacuum, 'lastAutovacuum', t.last_autovacuum)
                   ORDER BY t.n_dead_tup DESC, t.table_name), '[]')
          FROM tables t),
    'hotUpdates', (
        SELECT coalesce(json_agg(json_build_object('table', t.table_name, 'updates', t.n_tup_upd,
                   'hotUpdates', t.n_tup_hot_upd,
                   'hotRatio', round(100.0 * t.n_tup_hot_upd / nullif(t.n_tup_upd, 0), 2))
                   ORDER BY t.n_tup_upd DESC, t.table_name), '[]')
          FROM tables t),
    'activeQueries', (
        SELECT coalesce(json_agg(json_build_object('pid', a.pid, 'state', a.state,
                   'applicationName', a.application_name, 'waitEventType', a.wait_event_type,
                   'waitEvent', a.wait_event,
                   'durationSeconds', round(extract(epoch FROM now() - a.query_start)::numeric, 3),
                   'query', left(a.query, 500))
                   ORDER BY a.query_start), '[]')
          FROM pg_stat_activity a
         WHERE a.datname = current_database() AND a.pid <> pg_backend_pid()
           AND a.state IS DISTINCT FROM 'idle' AND a.backend_type = 'client backend'),
    'autovacuumStatus', (
        SELECT json_build_object('enabled', current_setting('autovacuum') = 'on',
                   'tables', coalesce(json_agg(json_build_object('table', t.table_name,
                       'lastAutovacuum', t.last_autovacuum, 'lastAutoanalyze', t.last_autoanalyze,
                       'autovacuumCount', t.autovacuum_count, 'autoanalyzeCount', t.autoanalyze_count,
                       'vacuumCount', t.vacuum_count, 'analyzeCount', t.analyze_count,
                       'modifiedSinceAnalyze', t.n_mod_since_analyze)
                       ORDER BY t.table_name), '[]'))
          FROM tables t),
    'bufferConfig', json_build_object(
        'sharedBuffers', current_setting('shared_buffers'),
        'effectiveCacheSize', current_setting('effective_cache_size'),
        'workMem', current_setting('work_mem'),
        'maintenanceWorkMem', current_setting('maintenance_work_mem'),
        'blockSize', current_setting('block_size')::int),
    'bufferUsage', json_build_object(
        'available', false,
        'extensionInstalled', EXISTS (SELECT 1 FROM pg_extension e WHERE e.extname = 'pg_buffercache'),
        'tables', '[]'::json,
        'note', 'Per-table shared-buffer usage needs the pg_buffercache extension; it is not read by this server.'),
    'tableSizes', (
        SELECT coalesce(json_agg(json_build_object('table', t.table_name,
                   'totalBytes', pg_total_relation_size(t.relid),
                   'tableBytes', pg_relation_size(t.relid),
                   'indexBytes', pg_indexes_size(t.relid),
                   'totalSize', pg_size_pretty(pg_total_relation_size(t.relid)),
                   'rowEstimate', t.n_live_tup)
                   ORDER BY pg_total_relation_size(t.relid) DESC, t.table_name), '[]')
          FROM tables t)
)::text AS document
