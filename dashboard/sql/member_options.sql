-- The members to pick from on 党员档案: present ones first, by group and name.
SELECT m.member_id, m.name, m.party_group, m.status, count(*) OVER (PARTITION BY m.name) > 1 AS shared
FROM live_member_versions m
WHERE m.branch_id = $branch_id
ORDER BY m.status, m.party_group NULLS LAST, m.name
