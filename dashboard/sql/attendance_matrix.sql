-- Attendance per member and activity type in a period (支委会 included: the committee's own rate;
-- 免 left out, as everywhere).
SELECT m.member_id, m.name AS member, m.party_group, e.activity_type,
       count(*) AS expected,
       count(*) FILTER (WHERE e.is_present) AS attended,
       count(*) FILTER (WHERE e.is_present) / count(*) AS attendance_rate
FROM expected_attendance e JOIN live_member_versions m USING (member_id)
WHERE e.branch_id = $branch_id AND e.date BETWEEN $start AND $end AND e.is_expected
GROUP BY ALL ORDER BY m.party_group, m.name, e.activity_type
