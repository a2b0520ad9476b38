-- Per branch: changes with every load and every undo of that branch (and only of that branch), so a
-- cache keyed on it never serves stale numbers and one branch's upload leaves the others' caches alone.
SELECT b.name AS branch,
       count(l.load_id) FILTER (WHERE l.undone_at IS NULL) AS live_loads,
       max(l.load_id) AS last_load,
       max(l.undone_at) AS last_undo
FROM branches b LEFT JOIN loads l USING (branch_id)
GROUP BY b.name
