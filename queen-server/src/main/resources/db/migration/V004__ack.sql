-- Acknowledgements.

CREATE TYPE queen.ack_item AS (
    i           integer,
    txn         text,
    pid         uuid,
    status      text,
    lease       uuid,
    err         text,
    mid         uuid,
    mts         timestamptz,
    qname       text,
    pname       text,
    retry_limit integer,
    ok          boolean,
    reason      text
);
