-- A full roster lacks these members: a new version marks them 离开 as of today (never deleted).
INSERT INTO member_versions
SELECT * REPLACE ($load_id AS load_id, '离开' AS status, current_date AS left_on), true AS is_live
FROM live_member_versions
WHERE branch_id = $branch_id AND status = '在册' AND load_id <> $load_id
  AND member_id NOT IN (SELECT member_id FROM staged)
RETURNING name
