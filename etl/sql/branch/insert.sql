-- A new branch with its school. Parameters: $name, $school (NULL: not known yet).
INSERT INTO branches (name, school) VALUES ($name, $school) RETURNING branch_id
