-- The member_scores rows of some imported snapshots, in each file's order. Parameter: $import_ids (a list).
SELECT * EXCLUDE (seq) FROM snapshot_member_scores
WHERE list_contains($import_ids, import_id)
ORDER BY import_id, seq
