-- The branch_score rows of some imported snapshots. Parameter: $import_ids (a list).
SELECT * FROM snapshot_branch_scores WHERE list_contains($import_ids, import_id) ORDER BY import_id
