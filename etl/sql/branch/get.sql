-- One branch by id: its name and school (NULL: not set yet). Parameter: $branch_id.
SELECT branch_id, name, school FROM branches WHERE branch_id = $branch_id
