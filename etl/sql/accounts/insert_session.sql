-- A new session. Parameters: $token_sha256, $user_id, $now (UTC).
INSERT INTO sessions (token_sha256, user_id, created_at, last_seen_at) VALUES ($token_sha256, $user_id, $now, $now)
