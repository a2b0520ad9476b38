-- One account by its (normalised) name, disabled or not. Parameter: $username.
SELECT user_id, username, password_hash, role, disabled_at FROM users WHERE username = $username
