-- Every branch, by name: what `etl scores --all-branches` scores.
SELECT branch_id, name FROM branches ORDER BY name
