-- Which of some branches have raw rows that score the period: live attendance or 学习强国 days in it,
-- a 学习强国 interval between two cumulative totals that reaches into it (a total on or after its start
-- with an earlier one before its end, docs/scoring.md), or an assessment of its year that counts in
-- it (dated in the period, the year's 民主评议, or undated). A branch without any is answered from
-- its imported snapshot (etl/snapshot/district.py). Parameters: $branch_ids (a list), $first_branch,
-- $last_branch (its least and greatest id, the range that reaches into the views), $start, $end,
-- $appraisal_item.
SELECT DISTINCT branch_id FROM (
    SELECT branch_id FROM live_attendance
    WHERE branch_id BETWEEN $first_branch AND $last_branch AND list_contains($branch_ids, branch_id)
      AND date BETWEEN $start AND $end
    UNION ALL
    SELECT branch_id FROM live_study_daily
    WHERE branch_id BETWEEN $first_branch AND $last_branch AND list_contains($branch_ids, branch_id)
      AND date BETWEEN $start AND $end
    UNION ALL
    SELECT t.branch_id FROM live_study_totals t
    WHERE t.branch_id BETWEEN $first_branch AND $last_branch AND list_contains($branch_ids, t.branch_id)
      AND t.as_of >= $start
      AND EXISTS (SELECT 1 FROM live_study_totals e
                  WHERE e.member_id = t.member_id AND e.as_of < t.as_of AND e.as_of < $end)
    UNION ALL
    SELECT branch_id FROM live_assessments
    WHERE branch_id BETWEEN $first_branch AND $last_branch AND list_contains($branch_ids, branch_id)
      AND year BETWEEN year(CAST($start AS DATE)) AND year(CAST($end AS DATE))
      AND (date IS NULL OR date BETWEEN $start AND $end OR item = $appraisal_item)
)
ORDER BY branch_id
