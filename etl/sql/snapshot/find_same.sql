-- An earlier import of the very same snapshot (the same manifest bytes) of a branch and period, the
-- latest first. Parameters: $branch_id, $period, $manifest_sha256.
SELECT import_id, signed, replaced_by
FROM snapshot_imports
WHERE branch_id = $branch_id AND period = $period AND manifest_sha256 = $manifest_sha256
ORDER BY import_id DESC
LIMIT 1
