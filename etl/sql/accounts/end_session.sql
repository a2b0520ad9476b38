-- End one session. Parameters: $token_sha256, $now (UTC), $reason (signed_out | idle | disabled).
UPDATE sessions SET ended_at = $now, end_reason = $reason WHERE token_sha256 = $token_sha256 AND ended_at IS NULL
