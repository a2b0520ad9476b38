-- A branch's loads, newest first.
SELECT l.load_id, l.kind, l.file_name, l.rows_read, l.rows_loaded, l.rows_replaced, l.loaded_by, l.loaded_at, l.undone_at
FROM loads l
WHERE l.branch_id = $branch_id
ORDER BY l.load_id DESC
