-- The files a branch's numbers come from: its live loads, each with the SHA-256 of its file.
-- Parameter: $branch_id.
SELECT load_id, kind, file_name, sha256, strftime(loaded_at, '%Y-%m-%dT%H:%M:%S') AS loaded_at, rows_loaded
FROM live_loads
WHERE branch_id = $branch_id
ORDER BY load_id
