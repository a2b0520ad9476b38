-- Every key the district registered for a branch, revoked ones too, oldest first. Parameter: $branch_id.
SELECT fingerprint, public_key, registered_at, registered_by, revoked_at, revoked_by
FROM trusted_keys
WHERE branch_id = $branch_id
ORDER BY registered_at, fingerprint
