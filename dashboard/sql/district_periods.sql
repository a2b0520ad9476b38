-- The periods the district can compare, with the branch each comes from (the caller's scope filters
-- branches in Python): every period a snapshot in force covers, and every month with raw rows (a
-- district server that holds the branches' own data), from which the page offers its quarter and year.
SELECT b.name AS branch, s.period AS label, 'snapshot' AS source
FROM current_snapshots s JOIN branches b USING (branch_id)
UNION
SELECT b.name, strftime(a.date, '%Y-%m'), 'raw'
FROM (SELECT DISTINCT branch_id, date_trunc('month', date) AS date FROM live_attendance
      UNION SELECT DISTINCT branch_id, date_trunc('month', date) FROM live_study_daily) a
JOIN branches b USING (branch_id)
