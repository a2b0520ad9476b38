-- A session by its token's hash, with its account. Parameter: $token_sha256.
SELECT s.user_id, s.last_seen_at, s.ended_at, u.username, u.role, u.disabled_at
FROM sessions s JOIN users u ON u.user_id = s.user_id
WHERE s.token_sha256 = $token_sha256
