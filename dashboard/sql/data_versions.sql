-- Per branch: changes with every load and every undo of that branch (and only of that branch), every
-- snapshot imported for it and a change of its school, so a cache keyed on it never serves stale
-- numbers and one branch's upload leaves the others' caches alone.
SELECT b.name AS branch,
       count(l.load_id) FILTER (WHERE l.undone_at IS NULL) AS live_loads,
       max(l.load_id) AS last_load,
       max(l.undone_at) AS last_undo,
       (SELECT max(s.import_id) FROM snapshot_imports s WHERE s.branch_id = b.branch_id) AS last_import,
       b.school
FROM branches b LEFT JOIN loads l USING (branch_id)
GROUP BY b.branch_id, b.name, b.school
