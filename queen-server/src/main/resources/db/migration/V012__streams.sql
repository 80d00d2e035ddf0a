-- Streams (issue 14): the state of the streaming SDKs' queries, in the schema and with the
-- columns the reference server uses, so that a database it created keeps its queries and
-- window state when this server takes over (the IF NOT EXISTS then leave its tables alone).
--
-- queries: one row per registered query; name is the SDK's queryId, config_hash the
-- fingerprint of its operator chain (a changed chain is refused unless the SDK asks for a
-- reset). state: the SDK's keyed state per (query, source partition): open windows, the
-- event-time watermark. partition_id has no foreign key on purpose: the state belongs to the
-- query, and what happens to it when a partition goes is decided where partitions are deleted.
CREATE SCHEMA IF NOT EXISTS queen_streams;

CREATE TABLE IF NOT EXISTS queen_streams.queries (
    id           uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    name         text UNIQUE NOT NULL,
    source_queue text NOT NULL,
    sink_queue   text,
    config_hash  text NOT NULL,
    created_at   timestamptz DEFAULT now(),
    updated_at   timestamptz DEFAULT now()
);

CREATE TABLE IF NOT EXISTS queen_streams.state (
    query_id     uuid NOT NULL REFERENCES queen_streams.queries(id) ON DELETE CASCADE,
    partition_id uuid NOT NULL,
    key          text NOT NULL,
    value        jsonb NOT NULL,
    updated_at   timestamptz DEFAULT now(),
    PRIMARY KEY (query_id, partition_id, key)
);

-- the name the reference gives it, so that a taken-over database does not get a second one
CREATE INDEX IF NOT EXISTS idx_streams_state_updated_at ON queen_streams.state (updated_at);
-- "does any query keep state for this partition": asked when partitions are deleted
CREATE INDEX IF NOT EXISTS idx_streams_state_partition ON queen_streams.state (partition_id);
