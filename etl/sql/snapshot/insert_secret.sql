-- A branch's secret for anonymised exports, made on its first anonymised export. Parameters: $branch_id, $secret.
INSERT INTO branch_secrets (branch_id, secret) VALUES ($branch_id, $secret)
