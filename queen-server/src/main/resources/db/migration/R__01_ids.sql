-- A UUIDv7 made in SQL for callers that push without an id: the p_seq-th id of one call
-- sorts after the ones before it, which keeps FIFO inside the call.
CREATE OR REPLACE FUNCTION queen.uuid_v7(p_seq bigint)
RETURNS uuid
LANGUAGE sql VOLATILE AS $fn$
    SELECT (lpad(to_hex(floor(extract(epoch FROM clock_timestamp()) * 1000)::bigint + (p_seq >> 12)), 12, '0')
            || '7' || lpad(to_hex(p_seq & 4095), 3, '0')
            || substr(replace(gen_random_uuid()::text, '-', ''), 17, 16))::uuid
$fn$;

CREATE OR REPLACE FUNCTION queen.queue_lock_key_v1(p_queue text)
RETURNS bigint
LANGUAGE sql IMMUTABLE AS $fn$
    SELECT hashtextextended('queen.ready/' || p_queue, 0)
$fn$;

-- A consumer group's changes to where it reads (seek to a timestamp, subscription change,
-- deletion) hold this advisory lock exclusively; a group's registration on a queue holds it
-- shared. See ConsumerGroupAdmin.
CREATE OR REPLACE FUNCTION queen.group_lock_key_v1(p_group text)
RETURNS bigint
LANGUAGE sql IMMUTABLE AS $fn$
    SELECT hashtextextended('queen.group/' || p_group, 0)
$fn$;

CREATE OR REPLACE FUNCTION queen.lease_id_v1(p_worker text)
RETURNS uuid
LANGUAGE sql VOLATILE AS $fn$
    SELECT CASE
               WHEN coalesce(p_worker, '') = '' THEN gen_random_uuid()
               WHEN p_worker ~* '^[0-9a-f]{8}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{12}$' THEN p_worker::uuid
               ELSE md5('queen.worker/' || p_worker)::uuid
           END
$fn$;

-- Time-ordered ids for new partitions and lookup rows: creating a million partitions appends
-- to the end of their indexes instead of writing all over them. (Here rather than in a
-- versioned file: a column default needs its function, and functions are created after the
-- versioned files have run.)
ALTER TABLE queen.partitions ALTER COLUMN id SET DEFAULT queen.uuid_v7(0);
ALTER TABLE queen.partition_lookup ALTER COLUMN id SET DEFAULT queen.uuid_v7(0);
