-- An identical file to load $load_id changes nothing only when every row that load wrote is still
-- live (no later load replaced any of them) and, for a roster, no later roster of the branch is live
-- (the full roster again would mark members that roster added as 离开).
WITH written AS (
    SELECT count(*) AS n FROM attendance WHERE load_id = $load_id
    UNION ALL SELECT count(*) FROM meetings WHERE load_id = $load_id
    UNION ALL SELECT count(*) FROM study_daily WHERE load_id = $load_id
    UNION ALL SELECT count(*) FROM study_totals WHERE load_id = $load_id
    UNION ALL SELECT count(*) FROM assessments WHERE load_id = $load_id
    UNION ALL SELECT count(*) FROM records WHERE load_id = $load_id
    UNION ALL SELECT count(*) FROM member_versions WHERE load_id = $load_id
),
live AS (
    SELECT count(*) AS n FROM live_attendance WHERE branch_id = $branch_id AND load_id = $load_id
    UNION ALL SELECT count(*) FROM live_meetings WHERE branch_id = $branch_id AND load_id = $load_id
    UNION ALL SELECT count(*) FROM live_study_daily WHERE branch_id = $branch_id AND load_id = $load_id
    UNION ALL SELECT count(*) FROM live_study_totals WHERE branch_id = $branch_id AND load_id = $load_id
    UNION ALL SELECT count(*) FROM live_assessments WHERE branch_id = $branch_id AND load_id = $load_id
    UNION ALL SELECT count(*) FROM live_records WHERE branch_id = $branch_id AND load_id = $load_id
    UNION ALL SELECT count(*) FROM live_member_versions WHERE branch_id = $branch_id AND load_id = $load_id
)
SELECT (SELECT sum(n) FROM written) = (SELECT sum(n) FROM live)
   AND NOT EXISTS (SELECT 1 FROM live_loads
                   WHERE branch_id = $branch_id AND kind = 'roster' AND $kind = 'roster' AND load_id > $load_id)
