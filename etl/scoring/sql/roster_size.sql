-- How many members the branch has on its roster now, and how many of them sit on the committee
-- (a 支委会 is required only of a branch with a committee and enough members).
SELECT count(*) AS members, count(*) FILTER (WHERE is_committee) AS committee
FROM live_member_versions
WHERE branch_id = $branch_id AND status = '在册'
