-- Every account with its branches' names (an empty list for a district account), by role then name.
SELECT u.username, u.role,
       list(b.name ORDER BY b.name) FILTER (WHERE b.name IS NOT NULL) AS branches,
       u.created_at, u.created_by, u.password_changed_at, u.disabled_at, u.disabled_by
FROM users u
LEFT JOIN user_branches ub ON ub.user_id = u.user_id
LEFT JOIN branches b ON b.branch_id = ub.branch_id
GROUP BY u.user_id, u.username, u.role, u.created_at, u.created_by, u.password_changed_at, u.disabled_at, u.disabled_by
ORDER BY CASE u.role WHEN 'secretary' THEN 1 WHEN 'leadership' THEN 2 ELSE 3 END, u.username
