-- Members whose absence run (the absence_runs view), at the branch's last month with counted
-- attendance up to the period's end, is one or two months short of the veto.
WITH last AS (
    SELECT max(month_index) AS month_index FROM attendance_months
    WHERE branch_id = $branch_id AND month_index <= $end_month
)
SELECT m.member_id, m.name AS member, m.party_group, last.month_index - r.first_month + 1 AS run
FROM absence_runs r CROSS JOIN last JOIN live_member_versions m USING (member_id)
WHERE r.branch_id = $branch_id AND last.month_index BETWEEN r.first_month AND r.last_month
  AND last.month_index - r.first_month + 1 BETWEEN $veto_months - 2 AND $veto_months - 1
ORDER BY run DESC, m.party_group, m.name
