-- Undo: the load's rows stop being live; what it replaced is live again.
UPDATE loads SET undone_at = $now, undone_by = $user WHERE load_id = $load_id
