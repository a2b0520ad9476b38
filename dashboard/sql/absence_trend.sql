-- 缺席 (with 未签到 apart) and 请假 per month of a year.
SELECT strftime(date, '%Y-%m') AS month,
       CASE WHEN mark IS NULL THEN '未签到' ELSE status END AS status, count(*) AS count
FROM expected_attendance
WHERE branch_id = $branch_id AND year(date) = $year AND status IN ('缺席', '请假')
GROUP BY ALL ORDER BY 1, 2
