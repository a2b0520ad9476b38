-- The year's 三会一课 台账 of one branch: one row per meeting (a 党小组会 one row per party group
-- that met that day), with every expected or marked member's mark written as the meeting ledger
-- layout reads it back (docs/ledger.md), the counts, and what a ledger said about the meeting.
-- Parameters: $branch_id, $first_day, $last_day (the year's first and last day).
--
-- A name that several members of the branch share is written 张三【第二党小组】, which the reader
-- matches by name and party group, as it matches every upload.
--
-- Marks come from expected_attendance, so the counts follow the scoring's rules: 应到 leaves out 免,
-- 缺席 includes the expected members with no mark (未签到), who are named apart and never written
-- into 参会人员名单 — a written 缺席 would be a record the database does not have. A note is written
-- as [原因]; the characters that would split or close a participant (、 , ; ] line breaks) become
-- spaces.
WITH roster AS (
    SELECT member_id, name, party_group, src_row,
           CASE WHEN count(*) OVER (PARTITION BY name) > 1 AND party_group IS NOT NULL
                THEN name || '【' || party_group || '】' ELSE name END AS written_name
    FROM live_member_versions
    WHERE branch_id = $branch_id
),
marks AS (
    SELECT e.date, e.activity_type, e.mark, m.name, m.written_name, m.party_group, m.src_row AS roster_row,
           CASE WHEN e.activity_type = '党小组会' THEN m.party_group END AS meeting_group,
           trim(regexp_replace(coalesce(a.note, ''), '[、,，;；\]\r\n]+', ' ', 'g')) AS note
    FROM expected_attendance e
    JOIN roster m ON m.member_id = e.member_id
    LEFT JOIN live_attendance a
           ON a.branch_id = e.branch_id AND a.date = e.date
          AND a.activity_type = e.activity_type AND a.member_id = e.member_id
    WHERE e.branch_id = $branch_id AND e.date BETWEEN $first_day AND $last_day
),
meetings AS (
    SELECT activity_type, date, meeting_group,
           string_agg(
               CASE WHEN mark IS NOT NULL THEN
                   written_name
                   || CASE mark WHEN '出席' THEN '' ELSE '(' || mark || ')' END
                   || CASE WHEN note <> '' THEN '[' || note || ']' ELSE '' END
               END,
               '、' ORDER BY party_group NULLS LAST, roster_row NULLS LAST, name) AS participants,
           count(*) FILTER (WHERE mark IS DISTINCT FROM '免') AS expected,
           count(*) FILTER (WHERE mark IN ('出席', '迟到')) AS present,
           count(*) FILTER (WHERE mark = '请假') AS on_leave,
           count(*) FILTER (WHERE mark = '缺席' OR mark IS NULL) AS absent,
           count(*) FILTER (WHERE mark = '补学') AS made_up,
           string_agg(CASE WHEN mark IS NULL THEN written_name END, '、'
                      ORDER BY party_group NULLS LAST, roster_row NULLS LAST, name) AS unmarked
    FROM marks
    GROUP BY ALL
),
-- The title most of the meeting's attendance rows carry, where no ledger named the meeting.
titles AS (
    SELECT date, activity_type, title
    FROM live_attendance
    WHERE branch_id = $branch_id AND date BETWEEN $first_day AND $last_day AND title IS NOT NULL
    GROUP BY date, activity_type, title
    QUALIFY row_number() OVER (PARTITION BY date, activity_type ORDER BY count(*) DESC, title) = 1
)
SELECT g.activity_type, g.date, g.meeting_group,
       coalesce(mt.title, t.title) AS title,
       json_extract_string(mt.details, '$.主持人') AS host,
       json_extract_string(mt.details, '$.记录人') AS recorder,
       g.participants, g.expected, g.present, g.on_leave, g.absent, g.made_up, g.unmarked
FROM meetings g
LEFT JOIN live_meetings mt
       ON mt.branch_id = $branch_id AND mt.date = g.date AND mt.activity_type = g.activity_type
LEFT JOIN titles t ON t.date = g.date AND t.activity_type = g.activity_type
ORDER BY g.activity_type, g.date, g.meeting_group NULLS LAST;
