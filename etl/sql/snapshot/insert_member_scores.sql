-- A snapshot's member_scores table, from the registered relation incoming (its rows with seq, their
-- order in the file). Parameter: $import_id.
INSERT INTO snapshot_member_scores (import_id, seq, member, party_group, campus, category, is_committee, expected, attended,
    absences, unmarked, lates, leaves, attendance_rate, study_days, active_days, study_points, avg_daily, appraisal,
    volunteer_bonus, other_bonus, attendance_deduction, item_deduction, veto_by_item, veto_detail, veto_by_appraisal,
    veto_by_absence, attendance_score, study_score, appraisal_score, base, bonus, deduction, discipline, vetoed, "index",
    stars, needs_help)
SELECT $import_id, seq, member, party_group, campus, category, is_committee, expected, attended,
    absences, unmarked, lates, leaves, attendance_rate, study_days, active_days, study_points, avg_daily, appraisal,
    volunteer_bonus, other_bonus, attendance_deduction, item_deduction, veto_by_item, veto_detail, veto_by_appraisal,
    veto_by_absence, attendance_score, study_score, appraisal_score, base, bonus, deduction, discipline, vetoed, "index",
    stars, needs_help
FROM incoming
