-- The branch's secret for anonymised exports, if it has one. Parameter: $branch_id.
SELECT secret FROM branch_secrets WHERE branch_id = $branch_id
