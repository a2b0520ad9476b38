-- Every member the branch has ever had, in their live version: what uploaded names are matched to.
-- The columns are etl.members.ROSTER_COLUMNS.
SELECT m.member_id, m.name, m.member_code, m.party_group, m.category, m.is_committee,
       m.joined, m.transferred_in, m.transferred_out, m.status
FROM live_member_versions m
WHERE m.branch_id = $branch_id
ORDER BY m.member_id
