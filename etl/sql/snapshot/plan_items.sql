-- The plan items of the snapshots in force for some branches and one period, in each file's order.
-- A snapshot of format 1 has no plan: it gives no row here. Parameters: $branch_ids (a list), $period.
SELECT s.branch_id, s.import_id, p.as_of, p.key, p.status, p.units_due, p.units_due_met
FROM current_snapshots s
JOIN snapshot_plan_items p ON p.import_id = s.import_id
WHERE s.period = $period AND s.format_version >= 2 AND list_contains($branch_ids, s.branch_id)
ORDER BY s.branch_id, p.seq
