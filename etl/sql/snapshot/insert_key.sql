-- A branch's public key, registered by the district. Parameters: $branch_id, $fingerprint, $public_key, $now, $user.
INSERT INTO trusted_keys (branch_id, fingerprint, public_key, registered_at, registered_by)
VALUES ($branch_id, $fingerprint, $public_key, $now, $user)
