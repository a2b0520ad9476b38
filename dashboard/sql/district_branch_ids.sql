-- Branch name → id, for the district's queries.
SELECT name, branch_id FROM branches
