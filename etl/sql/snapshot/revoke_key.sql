-- A branch's key revoked: snapshots signed by it are no longer trusted. Parameters: $branch_id, $fingerprint, $now, $user.
UPDATE trusted_keys SET revoked_at = $now, revoked_by = $user
WHERE branch_id = $branch_id AND fingerprint = $fingerprint AND revoked_at IS NULL
