-- Schema version 2: each attendance rule has one home. Scoring, explanations and the pages all
-- select from these views; changing a rule changes this file (through a new migration) only.

-- Every member expected at every live activity, with their mark (NULL: expected, no mark — 未签到,
-- counted as 缺席). Members on the roster that day are expected (within 转入/转出 and 入党 dates),
-- except at another group's 党小组会, and only committee members at a 支委会. Anyone marked is listed.
--   is_expected     a 免 mark is an approved exemption: listed, not expected
--   counts_for_rate the attendance that counts for the rate, the deductions and the absence veto:
--                   expected, and not a 支委会 (which counts for 三会一课 compliance only)
--   is_present      出席, 迟到 and 补学 count as attended; 请假 and 缺席 do not
CREATE OR REPLACE VIEW expected_attendance AS
WITH marked AS (
    SELECT act.branch_id, act.date, act.activity_type, m.member_id,
           att.status AS mark,
           coalesce(att.status, '缺席') AS status,
           att.load_id, att.src_sheet, att.src_row, att.src_col
    FROM live_activities act
    JOIN live_member_versions m ON m.branch_id = act.branch_id
    LEFT JOIN live_attendance att
           ON att.branch_id = act.branch_id AND att.date = act.date
          AND att.activity_type = act.activity_type AND att.member_id = m.member_id
    WHERE att.member_id IS NOT NULL
       OR ((m.transferred_in IS NULL OR m.transferred_in <= act.date)
           AND (m.transferred_out IS NULL OR m.transferred_out >= act.date)
           AND (m.joined IS NULL OR m.joined <= act.date)
           AND (m.status = '在册' OR m.transferred_out IS NOT NULL OR m.left_on > act.date)
           AND (act.activity_type <> '党小组会' OR list_contains(act.party_groups, m.party_group))
           AND (act.activity_type <> '支委会' OR m.is_committee))
)
SELECT *,
       status <> '免' AS is_expected,
       status <> '免' AND activity_type <> '支委会' AS counts_for_rate,
       status IN ('出席', '迟到', '补学') AS is_present
FROM marked;

-- The attendance that counts (see counts_for_rate above).
CREATE VIEW counted_attendance AS
SELECT * FROM expected_attendance WHERE counts_for_rate;

-- Per member and month with counted attendance: how many records, how many 缺席, and whether all
-- of them were 缺席 (the month an absence-veto run is made of; a 请假 breaks it).
CREATE VIEW attendance_months AS
SELECT branch_id, member_id, year(date) * 12 + month(date) - 1 AS month_index,
       count(*) AS records,
       count(*) FILTER (WHERE status = '缺席') AS absences,
       bool_and(status = '缺席') AS all_absent
FROM counted_attendance
GROUP BY ALL;

-- Runs of consecutive all-absent months per member (gaps-and-islands). A run vetoes every period
-- containing a month at which it is at least veto.absent_months long; the 总览 watches runs one or
-- two months short of that. month_index = year × 12 + month − 1.
CREATE VIEW absence_runs AS
WITH absent AS (
    SELECT branch_id, member_id, month_index,
           month_index - row_number() OVER (PARTITION BY branch_id, member_id ORDER BY month_index) AS island
    FROM attendance_months WHERE all_absent
)
SELECT branch_id, member_id, min(month_index) AS first_month, max(month_index) AS last_month, count(*) AS months
FROM absent GROUP BY branch_id, member_id, island;
