-- Per activity a load touched: the expected members with no mark (they count as 缺席·未签到).
SELECT strftime(e.date, '%Y-%m-%d') AS date, e.activity_type, count(*) AS unmarked_count,
       string_agg(m.name, '、' ORDER BY m.name) AS unmarked_names
FROM expected_attendance e JOIN live_member_versions m USING (member_id)
WHERE e.branch_id = $branch_id AND e.mark IS NULL
  AND (e.date, e.activity_type) IN (SELECT (date, activity_type) FROM attendance WHERE load_id = $load_id)
GROUP BY ALL ORDER BY 1, 2
