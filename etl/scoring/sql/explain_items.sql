-- The 考评 rows behind one member's bonus, deductions, appraisal and item vetoes in a period.
SELECT a.item, strftime(a.date, '%Y-%m-%d') AS date, a.year, a.grade, a.level, a.points AS explicit_points,
       CASE WHEN a.item = $appraisal_item THEN NULL
            ELSE coalesce(a.points, CASE WHEN a.item = $honour_item THEN lv.points ELSE r.points END) END AS value,
       CASE WHEN a.item = $appraisal_item THEN '民主评议'
            WHEN r.kind = 'veto' THEN '清零'
            WHEN coalesce(a.points, CASE WHEN a.item = $honour_item THEN lv.points ELSE r.points END) < 0 THEN '扣分'
            ELSE '加分' END AS effect,
       a.note, a.load_id, l.file_name, a.src_sheet, a.src_row
FROM live_assessments a
LEFT JOIN rule_items r ON r.item = a.item
LEFT JOIN rule_levels lv ON lv.level = a.level
LEFT JOIN loads l ON l.load_id = a.load_id
WHERE a.member_id = $member_id
  AND (a.date BETWEEN $start AND $end OR (a.date IS NULL AND $grain = 'year' AND a.year = $year)
       OR (a.item = $appraisal_item AND a.year = $year))
ORDER BY a.date NULLS FIRST, a.item
