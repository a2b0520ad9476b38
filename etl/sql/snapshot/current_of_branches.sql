-- The snapshots in force for some branches and one period. Parameters: $branch_ids (a list), $period.
SELECT s.branch_id, s.import_id, s.school, s.created_at, s.signed, s.key_fingerprint, s.anonymized,
       s.rules_source, s.rules_sha256, s.file_name
FROM current_snapshots s
WHERE s.period = $period AND list_contains($branch_ids, s.branch_id)
ORDER BY s.branch_id
