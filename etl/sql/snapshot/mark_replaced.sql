-- The snapshot a newer one of the same branch and period replaces. Parameters: $old, $new, $now.
UPDATE snapshot_imports SET replaced_by = $new, replaced_at = $now WHERE import_id = $old AND replaced_by IS NULL
