-- The import history, newest first: every snapshot file imported, in force or replaced.
SELECT i.import_id, b.name AS branch, i.school, i.period, i.created_at, i.file_name, i.signed, i.key_fingerprint,
       i.anonymized, i.imported_at, i.imported_by, i.replaced_by, i.replaced_at
FROM snapshot_imports i JOIN branches b USING (branch_id)
ORDER BY i.import_id DESC
