-- Schema version 4: every live_* view partitions by branch first. A filter on branch_id does not
-- pass below a window whose PARTITION BY lacks it, so one branch's query scanned every branch's rows
-- (a district's year grew with the square of its size). A member belongs to one branch, so the
-- partitions — and the rows each view returns — are the same as before.
CREATE OR REPLACE VIEW live_member_versions AS
SELECT v.* FROM member_versions v JOIN live_loads USING (load_id)
QUALIFY v.load_id = max(v.load_id) OVER (PARTITION BY v.branch_id, v.member_id);

CREATE OR REPLACE VIEW live_study_daily AS
SELECT s.* FROM study_daily s JOIN live_loads USING (load_id)
QUALIFY s.load_id = max(s.load_id) OVER (PARTITION BY s.branch_id, s.member_id, s.date);

CREATE OR REPLACE VIEW live_study_totals AS
SELECT s.* FROM study_totals s JOIN live_loads USING (load_id)
QUALIFY s.load_id = max(s.load_id) OVER (PARTITION BY s.branch_id, s.member_id, s.as_of);

CREATE OR REPLACE VIEW live_assessments AS
SELECT a.* FROM assessments a JOIN live_loads USING (load_id)
QUALIFY a.load_id = max(a.load_id) OVER (PARTITION BY a.branch_id, a.member_id, a.item, a.date, a.year);
