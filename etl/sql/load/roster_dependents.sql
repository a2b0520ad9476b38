-- Live loads with rows about members who exist only through roster load $load_id: undoing that
-- roster would orphan them.
WITH only_here AS (
    SELECT v.member_id FROM member_versions v JOIN live_loads USING (load_id)
    GROUP BY v.member_id HAVING bool_and(v.load_id = $load_id)),
facts AS (
    SELECT load_id, member_id FROM attendance UNION ALL SELECT load_id, member_id FROM study_daily
    UNION ALL SELECT load_id, member_id FROM study_totals UNION ALL SELECT load_id, member_id FROM assessments
    UNION ALL SELECT load_id, member_id FROM records WHERE member_id IS NOT NULL)
SELECT DISTINCT l.load_id, l.file_name FROM facts f JOIN live_loads l USING (load_id)
WHERE f.member_id IN (SELECT member_id FROM only_here) AND l.load_id <> $load_id ORDER BY 1
