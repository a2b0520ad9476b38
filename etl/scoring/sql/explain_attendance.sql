-- The attendance rows behind one member's rate and deductions in a period, with their source.
SELECT strftime(e.date, '%Y-%m-%d') AS date, e.activity_type, coalesce(e.mark, '未签到') AS mark, e.status,
       e.counts_for_rate AS counted,
       CASE WHEN NOT e.is_expected THEN 'exempt'
            WHEN NOT e.counts_for_rate THEN 'compliance_only'
            WHEN e.mark IS NULL THEN 'unmarked' END AS reason,
       e.load_id, l.file_name, e.src_sheet, e.src_row, e.src_col
FROM expected_attendance e LEFT JOIN loads l USING (load_id)
WHERE e.branch_id = $branch_id AND e.member_id = $member_id AND e.date BETWEEN $start AND $end
ORDER BY e.date, e.activity_type
