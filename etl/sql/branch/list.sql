-- Every branch (or those of one school, $school; NULL: all) with what the database holds of it: live
-- loads, current snapshots, and the district's keys in force.
SELECT b.name, b.school, b.created_at,
       (SELECT count(*) FROM live_loads l WHERE l.branch_id = b.branch_id) AS loads,
       (SELECT count(*) FROM current_snapshots s WHERE s.branch_id = b.branch_id) AS snapshots,
       (SELECT count(*) FROM trusted_keys k WHERE k.branch_id = b.branch_id AND k.revoked_at IS NULL) AS keys
FROM branches b
WHERE $school IS NULL OR b.school = $school
ORDER BY b.school NULLS LAST, b.name
