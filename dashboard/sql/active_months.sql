-- The months a branch was active in: activities and study. An appraisal held in January for the
-- year before does not make January a period worth opening on.
SELECT DISTINCT year(date) AS year, month(date) AS month
FROM (SELECT date FROM live_attendance WHERE branch_id = $branch_id
      UNION ALL SELECT date FROM live_study_daily WHERE branch_id = $branch_id
      UNION ALL SELECT as_of FROM live_study_totals WHERE branch_id = $branch_id)
ORDER BY 1, 2
