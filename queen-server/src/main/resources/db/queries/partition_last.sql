-- The partition that is last in id order now (none: no partitions): where a new walk pass ends.
SELECT pt.id FROM queen.partitions pt ORDER BY pt.id DESC LIMIT 1
