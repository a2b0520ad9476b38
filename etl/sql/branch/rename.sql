-- A branch's new name (its id, and so all its rows, stay). Parameters: $branch_id, $name.
UPDATE branches SET name = $name WHERE branch_id = $branch_id
