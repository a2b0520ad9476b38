-- Disable an account (it stays, so the audit log and load history still name it). Parameters:
-- $user_id, $now (UTC), $by.
UPDATE users SET disabled_at = $now, disabled_by = $by WHERE user_id = $user_id AND disabled_at IS NULL
