-- One branch of an account's scope. Parameters: $user_id, $branch_id.
INSERT INTO user_branches (user_id, branch_id) VALUES ($user_id, $branch_id)
