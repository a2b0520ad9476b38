-- A new password hash. Parameters: $user_id, $password_hash, $now (UTC; NULL keeps the date: a
-- rehash under new argon2 parameters at sign-in is not a change of password).
UPDATE users
SET password_hash = $password_hash, password_changed_at = coalesce($now, password_changed_at)
WHERE user_id = $user_id
