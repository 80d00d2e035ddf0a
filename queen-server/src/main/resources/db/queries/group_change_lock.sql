-- First step of a change to where consumer group $1 reads (seek to a timestamp, subscription
-- change, deletion): waits for the group's registrations in progress, and keeps new ones out
-- until the change commits. See queen.group_lock_key_v1.
SELECT pg_advisory_xact_lock(queen.group_lock_key_v1($1))
