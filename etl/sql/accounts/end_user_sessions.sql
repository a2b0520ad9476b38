-- End every open session of an account. Parameters: $user_id, $now (UTC), $reason (disabled | password_set).
UPDATE sessions SET ended_at = $now, end_reason = $reason WHERE user_id = $user_id AND ended_at IS NULL
