-- A load's counts, once its rows are in.
UPDATE loads SET rows_loaded = $rows_loaded, rows_replaced = $rows_replaced WHERE load_id = $load_id
