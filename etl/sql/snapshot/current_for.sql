-- The snapshot of a branch and period in force (not replaced), if any. Parameters: $branch_id, $period.
SELECT import_id, created_at, manifest_sha256, signed
FROM current_snapshots
WHERE branch_id = $branch_id AND period = $period
