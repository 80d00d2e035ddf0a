-- Gives back the partitions a pop leased ($1 lease id) when its answer could not be delivered.
SELECT queen.release_lease_v1($1) AS released
