-- What undo needs to know of a load.
SELECT l.kind, l.file_name, l.undone_at, b.name AS branch
FROM loads l JOIN branches b USING (branch_id)
WHERE l.load_id = $load_id
