-- Every branch with its school, by name: the district's list.
SELECT branch_id, name, school FROM branches ORDER BY name
