-- The sign-in attempts under one name since a time, oldest first. Parameters: $username, $since (UTC).
SELECT attempted_at, outcome FROM sign_in_attempts
WHERE username = $username AND attempted_at >= $since
ORDER BY attempted_at
