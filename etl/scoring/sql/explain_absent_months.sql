-- Month by month, from the absence veto's look-back to the period's end: the member's counted
-- attendance records (the attendance_months view), and whether they were all 缺席.
SELECT printf('%04d-%02d', month_index // 12, month_index % 12 + 1) AS month, records, absences, all_absent
FROM attendance_months
WHERE branch_id = $branch_id AND member_id = $member_id
  AND month_index BETWEEN $first_month AND year(CAST($end AS DATE)) * 12 + month(CAST($end AS DATE)) - 1
ORDER BY month_index
