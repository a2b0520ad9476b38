-- Month by month, from the six-month look-back to the period's end: did the member have attendance
-- records (支委会 and 免 aside), and were they all 缺席?
SELECT strftime(date_trunc('month', date), '%Y-%m') AS month, count(*) AS records,
       count(*) FILTER (WHERE status = '缺席') AS absences, bool_and(status = '缺席') AS all_absent
FROM expected_attendance
WHERE branch_id = $branch_id AND member_id = $member_id AND date BETWEEN $lookback_start AND $end
  AND activity_type <> '支委会' AND status <> '免'
GROUP BY 1 ORDER BY 1
