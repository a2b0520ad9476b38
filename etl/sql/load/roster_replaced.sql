-- Live roster versions of the members a roster load has (the staged relation): what it replaces.
SELECT count(*) FROM live_member_versions WHERE branch_id = $branch_id AND member_id IN (SELECT member_id FROM staged)
