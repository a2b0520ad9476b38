-- The school a branch belongs to. Parameters: $branch_id, $school.
UPDATE branches SET school = $school WHERE branch_id = $branch_id
