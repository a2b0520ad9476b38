-- The load history, of one branch or (with $branch_id NULL) of all.
SELECT l.load_id, b.name AS branch, l.kind, l.file_name, l.sheets, l.rows_read, l.rows_loaded,
       l.rows_replaced, l.is_partial, l.loaded_by, l.loaded_at, l.undone_at, l.undone_by, l.sha256
FROM loads l JOIN branches b USING (branch_id)
WHERE $branch_id IS NULL OR l.branch_id = $branch_id
ORDER BY l.load_id
