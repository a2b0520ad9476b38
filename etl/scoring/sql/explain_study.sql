-- The 学习强国 rows behind one member's average: daily rows in the period, and the snapshots whose
-- intervals (d1, d2] reach into it (the one just before the period included, as the start of one).
WITH snaps AS (
    SELECT s.*, lag(as_of) OVER w AS previous_as_of, lag(total) OVER w AS previous_total
    FROM live_study_totals s WHERE member_id = $member_id
    WINDOW w AS (ORDER BY as_of)
)
SELECT '每日积分' AS source, strftime(date, '%Y-%m-%d') AS date, NULL AS covers, points AS value,
       d.load_id, l.file_name, d.src_sheet, d.src_row
FROM live_study_daily d LEFT JOIN loads l USING (load_id)
WHERE member_id = $member_id AND date BETWEEN $start AND $end
UNION ALL
SELECT CASE total_kind WHEN 'yearly' THEN '年度积分快照' ELSE '累计积分快照' END, strftime(as_of, '%Y-%m-%d'),
       CASE WHEN previous_as_of IS NULL THEN '首个快照，不覆盖任何天'
            ELSE strftime(previous_as_of + 1, '%Y-%m-%d') || ' 至 ' || strftime(as_of, '%Y-%m-%d') END,
       total, s.load_id, l.file_name, s.src_sheet, s.src_row
FROM snaps s LEFT JOIN loads l USING (load_id)
WHERE as_of >= $start AND (previous_as_of IS NULL OR previous_as_of < $end)
   OR as_of = (SELECT max(as_of) FROM snaps WHERE as_of < $start)
ORDER BY 2, 1
