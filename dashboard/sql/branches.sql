-- Every branch, in the order they were created.
SELECT name FROM branches ORDER BY branch_id
