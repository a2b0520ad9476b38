-- Audit events, newest first, with the branch's current name. Parameters: $all_branches (TRUE: no
-- filter by branch), $branches (names: events of these branches only), $since (UTC; NULL: all),
-- $limit (NULL: no limit).
SELECT a.happened_at, a.who, a.via, a.action, coalesce(b.name, a.branch) AS branch, a.target, a.detail
FROM audit_log a
LEFT JOIN branches b ON b.branch_id = a.branch_id
WHERE ($all_branches OR list_contains($branches, b.name))
  AND ($since IS NULL OR a.happened_at >= $since)
ORDER BY a.happened_at DESC, a.audit_id DESC
LIMIT $limit
