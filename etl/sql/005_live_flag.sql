-- Schema version 5: a live flag on every fact table, kept by the load and the undo (etl/load.py).
-- The live_* views used a window, max(load_id) OVER (PARTITION BY the natural key), over every row of
-- the table on every query: at a district's 6.6 million study rows that window alone took 3 s of an
-- all-branch score. A row is live when its load is not undone and no later live load has its key —
-- the same rows the window picked, now read with a filter. A load clears the flag of the rows its
-- keys replace; an undo clears its own rows' flags and sets it again on the newest live row of each
-- key it had. Member versions (key: branch, member) are kept the same way by the roster load.

ALTER TABLE attendance ADD COLUMN is_live BOOLEAN DEFAULT true;
UPDATE attendance SET is_live = false;
UPDATE attendance AS t SET is_live = true
FROM (SELECT x.branch_id, x.date, x.activity_type, x.member_id, max(x.load_id) AS load_id FROM attendance AS x JOIN live_loads AS l ON l.load_id = x.load_id GROUP BY ALL) AS w
WHERE t.load_id = w.load_id AND t.branch_id IS NOT DISTINCT FROM w.branch_id AND t.date IS NOT DISTINCT FROM w.date AND t.activity_type IS NOT DISTINCT FROM w.activity_type AND t.member_id IS NOT DISTINCT FROM w.member_id;
CREATE OR REPLACE VIEW live_attendance AS SELECT * EXCLUDE (is_live) FROM attendance WHERE is_live;

ALTER TABLE meetings ADD COLUMN is_live BOOLEAN DEFAULT true;
UPDATE meetings SET is_live = false;
UPDATE meetings AS t SET is_live = true
FROM (SELECT x.branch_id, x.date, x.activity_type, max(x.load_id) AS load_id FROM meetings AS x JOIN live_loads AS l ON l.load_id = x.load_id GROUP BY ALL) AS w
WHERE t.load_id = w.load_id AND t.branch_id IS NOT DISTINCT FROM w.branch_id AND t.date IS NOT DISTINCT FROM w.date AND t.activity_type IS NOT DISTINCT FROM w.activity_type;
CREATE OR REPLACE VIEW live_meetings AS SELECT * EXCLUDE (is_live) FROM meetings WHERE is_live;

ALTER TABLE study_daily ADD COLUMN is_live BOOLEAN DEFAULT true;
UPDATE study_daily SET is_live = false;
UPDATE study_daily AS t SET is_live = true
FROM (SELECT x.branch_id, x.member_id, x.date, max(x.load_id) AS load_id FROM study_daily AS x JOIN live_loads AS l ON l.load_id = x.load_id GROUP BY ALL) AS w
WHERE t.load_id = w.load_id AND t.branch_id IS NOT DISTINCT FROM w.branch_id AND t.member_id IS NOT DISTINCT FROM w.member_id AND t.date IS NOT DISTINCT FROM w.date;
CREATE OR REPLACE VIEW live_study_daily AS SELECT * EXCLUDE (is_live) FROM study_daily WHERE is_live;

ALTER TABLE study_totals ADD COLUMN is_live BOOLEAN DEFAULT true;
UPDATE study_totals SET is_live = false;
UPDATE study_totals AS t SET is_live = true
FROM (SELECT x.branch_id, x.member_id, x.as_of, max(x.load_id) AS load_id FROM study_totals AS x JOIN live_loads AS l ON l.load_id = x.load_id GROUP BY ALL) AS w
WHERE t.load_id = w.load_id AND t.branch_id IS NOT DISTINCT FROM w.branch_id AND t.member_id IS NOT DISTINCT FROM w.member_id AND t.as_of IS NOT DISTINCT FROM w.as_of;
CREATE OR REPLACE VIEW live_study_totals AS SELECT * EXCLUDE (is_live) FROM study_totals WHERE is_live;

ALTER TABLE assessments ADD COLUMN is_live BOOLEAN DEFAULT true;
UPDATE assessments SET is_live = false;
UPDATE assessments AS t SET is_live = true
FROM (SELECT x.branch_id, x.member_id, x.item, x.date, x.year, max(x.load_id) AS load_id FROM assessments AS x JOIN live_loads AS l ON l.load_id = x.load_id GROUP BY ALL) AS w
WHERE t.load_id = w.load_id AND t.branch_id IS NOT DISTINCT FROM w.branch_id AND t.member_id IS NOT DISTINCT FROM w.member_id AND t.item IS NOT DISTINCT FROM w.item AND t.date IS NOT DISTINCT FROM w.date AND t.year IS NOT DISTINCT FROM w.year;
CREATE OR REPLACE VIEW live_assessments AS SELECT * EXCLUDE (is_live) FROM assessments WHERE is_live;

ALTER TABLE member_versions ADD COLUMN is_live BOOLEAN DEFAULT true;
UPDATE member_versions SET is_live = false;
UPDATE member_versions AS t SET is_live = true
FROM (SELECT x.branch_id, x.member_id, max(x.load_id) AS load_id FROM member_versions AS x JOIN live_loads AS l ON l.load_id = x.load_id GROUP BY ALL) AS w
WHERE t.load_id = w.load_id AND t.branch_id = w.branch_id AND t.member_id = w.member_id;
CREATE OR REPLACE VIEW live_member_versions AS SELECT * EXCLUDE (is_live) FROM member_versions WHERE is_live;
