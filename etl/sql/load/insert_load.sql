-- The loads row of a new load; rows_loaded and rows_replaced are set when its rows are in.
INSERT INTO loads (branch_id, kind, file_name, sha256, sheets, rows_read, rows_loaded, is_partial, loaded_by, loaded_at)
VALUES ($branch_id, $kind, $file_name, $sha256, $sheets, $rows_read, 0, $partial, $user, $now)
RETURNING load_id
