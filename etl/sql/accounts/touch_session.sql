-- A session seen again. Parameters: $token_sha256, $now (UTC).
UPDATE sessions SET last_seen_at = $now WHERE token_sha256 = $token_sha256 AND ended_at IS NULL
