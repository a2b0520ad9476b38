-- One sign-in attempt. Parameters: $username (normalised, whether or not an account has it), $now
-- (UTC), $outcome (ok | failed | locked).
INSERT INTO sign_in_attempts (username, attempted_at, outcome) VALUES ($username, $now, $outcome)
