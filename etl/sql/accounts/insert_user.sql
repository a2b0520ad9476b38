-- A new account. Parameters: $username, $password_hash, $role, $now (UTC), $by (who made it).
INSERT INTO users (username, password_hash, role, created_at, created_by, password_changed_at)
VALUES ($username, $password_hash, $role, $now, $by, $now)
RETURNING user_id
