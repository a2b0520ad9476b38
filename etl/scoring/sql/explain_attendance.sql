-- The attendance rows behind one member's rate and deductions in a period, with their source.
SELECT strftime(e.date, '%Y-%m-%d') AS date, e.activity_type, coalesce(e.mark, '未签到') AS mark, e.status,
       e.activity_type <> '支委会' AND e.status <> '免' AS counted,
       CASE WHEN e.activity_type = '支委会' THEN '支委会只计入三会一课达标，不计出勤率'
            WHEN e.status = '免' THEN '免参加：不计入应到'
            WHEN e.mark IS NULL THEN '应到但没有考勤标记，按缺席计' END AS note,
       e.load_id, l.file_name, e.src_sheet, e.src_row, e.src_col
FROM expected_attendance e LEFT JOIN loads l USING (load_id)
WHERE e.branch_id = $branch_id AND e.member_id = $member_id AND e.date BETWEEN $start AND $end
ORDER BY e.date, e.activity_type
