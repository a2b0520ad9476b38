-- Forget attempts too old to matter for any lock. Parameter: $before (UTC).
DELETE FROM sign_in_attempts WHERE attempted_at < $before
