-- The member rows of the snapshots in force for some branches and one period, for branch-level
-- aggregates only (star mix, component means): the page never shows them. Parameters: $branch_ids
-- (a list), $period.
SELECT s.branch_id, m.stars, m."index", m.base, m.bonus, m.deduction, m.attendance_rate, m.avg_daily
FROM current_snapshots s JOIN snapshot_member_scores m USING (import_id)
WHERE s.period = $period AND list_contains($branch_ids, s.branch_id)
