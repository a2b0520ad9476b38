-- When each branch last changed its raw rows (a live load or an undo): a snapshot made before that
-- no longer shows what the branch's own database says. Parameter: $branch_ids (a list).
SELECT branch_id, max(greatest(loaded_at, coalesce(undone_at, loaded_at))) AS changed_at
FROM loads
WHERE list_contains($branch_ids, branch_id)
GROUP BY branch_id
