-- Members one or two all-absent months short of the absence veto (清零) at the period's end: their
-- absence run (the absence_runs view) reaches the branch's last month with counted attendance up to
-- that end. One statement for the 总览's alert (dashboard/queries.veto_watch) and the brief.
-- Parameters: $branch_id, $end_month (the period's last month as year × 12 + month − 1),
-- $veto_months (rules veto.absent_months).
WITH last AS (
    SELECT max(month_index) AS month_index FROM attendance_months
    WHERE branch_id = $branch_id AND month_index <= $end_month
)
SELECT m.member_id, m.name AS member, m.party_group, last.month_index - r.first_month + 1 AS run
FROM absence_runs r CROSS JOIN last JOIN live_member_versions m USING (member_id)
WHERE r.branch_id = $branch_id AND last.month_index BETWEEN r.first_month AND r.last_month
  AND last.month_index - r.first_month + 1 BETWEEN $veto_months - 2 AND $veto_months - 1
ORDER BY run DESC, m.party_group, m.name
