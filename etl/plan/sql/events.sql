-- Evidence of the work plan: every live activity, 工作记录 and assessment of one branch that a plan item
-- names, with the load, sheet and row it came from, in one pass for all the items. Parameters:
-- $branch_id; $first and $last, the dates an activity or a record may have; $first_year and $last_year,
-- the 年度 an assessment may belong to (a 民主评议 of 2025 is often held in January 2026). Registered
-- relation plan_selectors(item_key, source, name): source 'activity' (an activity type), 'record' (a
-- record type) or 'assessment' (an item). One row per item and evidence row; a record naming several
-- people is one row each (its subject, member_id NULL for someone who is not a member).
WITH sel AS (SELECT item_key, source, name FROM plan_selectors),
-- Where an activity came from: its meeting-ledger row when a ledger wrote it, else its first mark.
ledger_rows AS (
    SELECT date, activity_type, load_id, src_sheet, src_row, title
    FROM live_meetings WHERE branch_id = $branch_id AND date BETWEEN $first AND $last
    QUALIFY row_number() OVER (PARTITION BY date, activity_type ORDER BY load_id, src_sheet, src_row) = 1
),
mark_rows AS (
    SELECT date, activity_type, load_id, src_sheet, src_row, title
    FROM live_attendance WHERE branch_id = $branch_id AND date BETWEEN $first AND $last
    QUALIFY row_number() OVER (PARTITION BY date, activity_type ORDER BY load_id, src_sheet, src_row) = 1
),
activities AS (
    SELECT s.item_key, 'activity' AS source, a.date, year(a.date) AS year, a.activity_type AS kind,
           a.activity_type || coalesce('：' || nullif(coalesce(l.title, m.title), ''), '') AS what,
           CAST(NULL AS VARCHAR) AS subject, CAST(NULL AS INTEGER) AS member_id, a.party_groups,
           coalesce(l.load_id, m.load_id) AS load_id,
           coalesce(l.src_sheet, m.src_sheet) AS src_sheet,
           coalesce(l.src_row, m.src_row) AS src_row
    FROM live_activities a
    JOIN sel s ON s.source = 'activity' AND s.name = a.activity_type
    LEFT JOIN ledger_rows l ON l.date = a.date AND l.activity_type = a.activity_type
    LEFT JOIN mark_rows m ON m.date = a.date AND m.activity_type = a.activity_type
    WHERE a.branch_id = $branch_id AND a.date BETWEEN $first AND $last
),
records AS (
    SELECT s.item_key, 'record' AS source, r.date, year(r.date) AS year, r.record_type AS kind,
           r.record_type || coalesce('：' || nullif(r.topic, ''), '') AS what,
           nullif(r.subject, '') AS subject, r.member_id, CAST(NULL AS VARCHAR[]) AS party_groups,
           r.load_id, r.src_sheet, r.src_row
    FROM live_records r JOIN sel s ON s.source = 'record' AND s.name = r.record_type
    WHERE r.branch_id = $branch_id AND r.date BETWEEN $first AND $last
),
assessed AS (
    SELECT s.item_key, 'assessment' AS source, a.date, a.year, a.item AS kind,
           a.item || coalesce(' ' || a.grade, '') AS what,
           v.name AS subject, a.member_id, CAST(NULL AS VARCHAR[]) AS party_groups,
           a.load_id, a.src_sheet, a.src_row
    FROM live_assessments a
    JOIN sel s ON s.source = 'assessment' AND s.name = a.item
    LEFT JOIN live_member_versions v ON v.branch_id = $branch_id AND v.member_id = a.member_id
    WHERE a.branch_id = $branch_id AND a.year BETWEEN $first_year AND $last_year
),
found AS (
    SELECT * FROM activities UNION ALL SELECT * FROM records UNION ALL SELECT * FROM assessed
)
SELECT f.item_key, f.source, f.date, f.year, f.kind, f.what, f.subject, f.member_id, f.party_groups,
       f.load_id, ld.file_name AS file, f.src_sheet AS sheet, f.src_row AS "row"
FROM found f LEFT JOIN loads ld ON ld.load_id = f.load_id
ORDER BY f.item_key, f.date NULLS LAST, f.source, ld.file_name, f.src_sheet, f.src_row, f.subject
