-- The names of an account's branches, in order (none for a district account). Parameter: $user_id.
SELECT b.name
FROM user_branches ub JOIN branches b ON b.branch_id = ub.branch_id
WHERE ub.user_id = $user_id
ORDER BY b.name
