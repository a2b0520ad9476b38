-- A snapshot's branch_score row, from the registered relation incoming. Parameter: $import_id.
INSERT INTO snapshot_branch_scores (import_id, members_scored, member_mean, compliance_rate, compliance_required,
    compliance_met, "index", stars, previous_period, previous_index, previous_stars)
SELECT $import_id, members_scored, member_mean, compliance_rate, compliance_required,
    compliance_met, "index", stars, previous_period, previous_index, previous_stars
FROM incoming
