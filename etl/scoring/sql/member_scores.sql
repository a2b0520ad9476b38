-- 先锋指数 of every member of some branches for each of several periods, in one set-based pass
-- (docs/scoring.md). Parameters: $branch_ids (a list: one branch, or a district's), $first_branch and
-- $last_branch (its least and greatest id: DuckDB carries that range across join keys into every
-- view, which it does not do for list_contains, nor at all for an IN (subquery)) and every rule value
-- as $name. Registered relations:
-- scoring_periods(period, period_start, period_end, period_year, grain, first_month, last_month) —
-- the periods asked for, months as year × 12 + month − 1 — and the rule catalogues rule_items,
-- rule_levels and rule_grades. One row per period and member in scope.
WITH roster AS (
    SELECT * FROM live_member_versions WHERE branch_id BETWEEN $first_branch AND $last_branch AND list_contains($branch_ids, branch_id)
),
p AS (SELECT * FROM scoring_periods),
-- 组织生活: the attendance that counts (the counted_attendance view), in each period.
att AS (
    SELECT p.period, a.member_id,
           count(*) AS expected,
           count(*) FILTER (WHERE a.is_present) AS attended,
           count(*) FILTER (WHERE a.status = '缺席') AS absences,
           count(*) FILTER (WHERE a.mark IS NULL) AS unmarked,
           count(*) FILTER (WHERE a.status = '迟到') AS lates,
           count(*) FILTER (WHERE a.status = '请假') AS leaves
    FROM counted_attendance a JOIN p ON a.date BETWEEN p.period_start AND p.period_end
    WHERE a.branch_id BETWEEN $first_branch AND $last_branch AND list_contains($branch_ids, a.branch_id)
    GROUP BY p.period, a.member_id
),
-- 学习强国: daily rows, and the increase between consecutive snapshots spread over (d1, d2].
snapshots AS (
    SELECT member_id, as_of AS d2, total, total_kind,
           lag(as_of) OVER w AS d1, lag(total) OVER w AS t1
    FROM live_study_totals WHERE branch_id BETWEEN $first_branch AND $last_branch AND list_contains($branch_ids, branch_id)
    WINDOW w AS (PARTITION BY member_id ORDER BY as_of)
),
intervals AS (
    SELECT p.period, p.period_start, p.period_end, s.member_id, s.d1, s.d2,
           CASE WHEN s.total_kind = 'yearly' AND year(s.d2) > year(s.d1) THEN s.total  -- a 年度积分 restarts on 1 January
                ELSE greatest(s.total - s.t1, 0) END AS increase
    FROM snapshots s JOIN p ON s.d2 >= p.period_start AND s.d1 < p.period_end
    WHERE s.d1 IS NOT NULL
),
interval_days AS (
    SELECT period, member_id,
           CAST(unnest(range(CAST(greatest(d1 + 1, period_start) AS TIMESTAMP),
                             CAST(least(d2, period_end) AS TIMESTAMP) + INTERVAL 1 DAY, INTERVAL 1 DAY)) AS DATE) AS day,
           increase / date_diff('day', d1, d2) AS points
    FROM intervals
),
daily AS (
    SELECT p.period, d.member_id, d.date AS day, d.points
    FROM live_study_daily d JOIN p ON d.date BETWEEN p.period_start AND p.period_end
    WHERE d.branch_id BETWEEN $first_branch AND $last_branch AND list_contains($branch_ids, d.branch_id)
),
study_days AS (
    SELECT period, member_id, day, points FROM daily
    UNION ALL
    SELECT i.period, i.member_id, i.day, i.points FROM interval_days i  -- a daily row wins for its own day
    WHERE NOT EXISTS (SELECT 1 FROM daily d WHERE d.period = i.period AND d.member_id = i.member_id AND d.day = i.day)
),
study AS (
    SELECT period, member_id, count(*) AS study_days, sum(points) AS study_points, sum(points) / count(*) AS avg_daily,
           count(*) FILTER (WHERE points > 0) AS active_days
    FROM study_days GROUP BY period, member_id
),
-- 民主评议: the grade of the period's year, whenever it was held.
appraisal AS (
    SELECT p.period, a.member_id, arg_max(a.grade, coalesce(a.date, DATE '1900-01-01')) AS grade
    FROM live_assessments a JOIN p ON a.year = p.period_year
    WHERE a.branch_id BETWEEN $first_branch AND $last_branch AND list_contains($branch_ids, a.branch_id) AND a.item = $appraisal_item
    GROUP BY p.period, a.member_id
),
-- 加分 / 扣分 / 清零 items dated in the period (an item with only a 年度 counts in that year's period).
items AS (
    SELECT p.period, a.member_id, a.item, a.date, r.kind,
           coalesce(a.points, CASE WHEN a.item = $honour_item THEN lv.points ELSE r.points END) AS value
    FROM live_assessments a
    JOIN p ON a.date BETWEEN p.period_start AND p.period_end
           OR (a.date IS NULL AND p.grain = 'year' AND a.year = p.period_year)
    LEFT JOIN rule_items r ON r.item = a.item
    LEFT JOIN rule_levels lv ON lv.level = a.level
    WHERE a.branch_id BETWEEN $first_branch AND $last_branch AND list_contains($branch_ids, a.branch_id) AND a.item <> $appraisal_item
),
item_totals AS (
    SELECT period, member_id,
           least(coalesce(sum(value) FILTER (WHERE item = $volunteer_item AND value > 0 AND kind IS DISTINCT FROM 'veto'), 0),
                 $volunteer_cap) AS volunteer,
           coalesce(sum(value) FILTER (WHERE item <> $volunteer_item AND value > 0 AND kind IS DISTINCT FROM 'veto'), 0) AS other_bonus,
           coalesce(sum(-value) FILTER (WHERE value < 0 AND kind IS DISTINCT FROM 'veto'), 0) AS item_deduction,
           count(*) FILTER (WHERE kind = 'veto') AS veto_items,
           string_agg(item || coalesce(' ' || strftime(date, '%Y-%m-%d'), ''), '；' ORDER BY date)
             FILTER (WHERE kind = 'veto') AS veto_detail
    FROM items GROUP BY period, member_id
),
-- 清零 by an absence run (the absence_runs view) that is veto_months long at a month of the period.
run_veto AS (
    SELECT DISTINCT p.period, r.member_id
    FROM absence_runs r JOIN p ON greatest(r.first_month + $veto_months - 1, p.first_month) <= least(r.last_month, p.last_month)
    WHERE r.branch_id BETWEEN $first_branch AND $last_branch AND list_contains($branch_ids, r.branch_id)
),
scope AS (
    SELECT p.period, r.member_id FROM roster r JOIN p
      ON (r.transferred_in IS NULL OR r.transferred_in <= p.period_end)
     AND (r.transferred_out IS NULL OR r.transferred_out >= p.period_start)
     AND (r.joined IS NULL OR r.joined <= p.period_end)
     AND (r.status = '在册' OR r.left_on >= p.period_start OR r.transferred_out >= p.period_start)
    UNION SELECT period, member_id FROM att UNION SELECT period, member_id FROM study
    UNION SELECT period, member_id FROM appraisal UNION SELECT period, member_id FROM item_totals
),
components AS (
    SELECT scope.period, r.branch_id, r.member_id, r.name, r.party_group, r.campus, r.category, r.is_committee,
           att.expected, att.attended, att.absences, att.unmarked, att.lates, att.leaves,
           CAST(att.attended AS DOUBLE) / nullif(att.expected, 0) AS attendance_rate,
           study.study_days, study.active_days, study.study_points, study.avg_daily,
           appraisal.grade AS appraisal,
           coalesce(it.volunteer, 0) AS volunteer_bonus, coalesce(it.other_bonus, 0) AS other_bonus,
           coalesce(att.absences, 0) * $per_absence + coalesce(att.lates, 0) * $per_late AS attendance_deduction,
           coalesce(it.item_deduction, 0) AS item_deduction,
           coalesce(it.veto_items, 0) > 0 AS veto_by_item, it.veto_detail,
           coalesce(appraisal.grade = $veto_grade, false) AS veto_by_appraisal,
           rv.member_id IS NOT NULL AS veto_by_absence
    FROM scope JOIN roster r USING (member_id)
    LEFT JOIN att USING (period, member_id) LEFT JOIN study USING (period, member_id)
    LEFT JOIN appraisal USING (period, member_id) LEFT JOIN item_totals it USING (period, member_id)
    LEFT JOIN run_veto rv USING (period, member_id)
),
scored AS (
    SELECT *,
           CASE WHEN expected > 0 THEN $w_attendance * attendance_rate END AS attendance_score,
           CASE WHEN $w_study > 0 AND study_days > 0 THEN $w_study * least(1.0, avg_daily / $study_target) END AS study_score,
           CASE WHEN appraisal IS NOT NULL THEN $w_appraisal * g.points / $grade_max END AS appraisal_score
    FROM components LEFT JOIN rule_grades g ON g.grade = components.appraisal
),
indexed AS (
    SELECT *,
           $base_max * (coalesce(attendance_score, 0) + coalesce(study_score, 0) + coalesce(appraisal_score, 0))
             / nullif(CASE WHEN attendance_score IS NOT NULL THEN $w_attendance ELSE 0 END
                    + CASE WHEN study_score IS NOT NULL THEN $w_study ELSE 0 END
                    + CASE WHEN appraisal_score IS NOT NULL THEN $w_appraisal ELSE 0 END, 0) AS base,
           least(volunteer_bonus + other_bonus, $bonus_cap) AS bonus,
           attendance_deduction + item_deduction AS deduction,
           veto_by_item OR veto_by_appraisal OR veto_by_absence AS vetoed
    FROM scored
),
final AS (
    SELECT *,
           greatest($discipline_max - deduction, 0) AS discipline,
           CASE WHEN vetoed THEN 0.0 WHEN base IS NOT NULL THEN base + bonus + greatest($discipline_max - deduction, 0) END AS "index"
    FROM indexed
)
SELECT *,
       CASE WHEN "index" IS NULL THEN NULL
            WHEN round("index", 2) >= $star5 THEN 5 WHEN round("index", 2) >= $star4 THEN 4
            WHEN round("index", 2) >= $star3 THEN 3 WHEN round("index", 2) >= $star2 THEN 2 ELSE 1 END AS stars,
       round("index", 2) < $needs_help_below AS needs_help,
       count(*) OVER (PARTITION BY branch_id, period, name) > 1 AS name_shared
FROM final
ORDER BY branch_id, period, party_group NULLS LAST, name, member_id
