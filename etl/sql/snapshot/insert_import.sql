-- The record of one imported snapshot file. Parameters: one per column below.
INSERT INTO snapshot_imports (branch_id, period, school, created_at, manifest_sha256, file_name, file_sha256, signed,
                              key_fingerprint, anonymized, rules_source, rules_sha256, tool_version, format_version,
                              manifest, imported_at, imported_by)
VALUES ($branch_id, $period, $school, $created_at, $manifest_sha256, $file_name, $file_sha256, $signed,
        $key_fingerprint, $anonymized, $rules_source, $rules_sha256, $tool_version, $format_version,
        $manifest, $now, $user)
RETURNING import_id
