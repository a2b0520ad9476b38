-- 三会一课 compliance of some branches for some periods, in one pass: one row per branch, period,
-- requirement and unit (a month, a month × party group, a quarter, the year) with what was required
-- and what was held. Parameters: $branch_ids (a list) with $first_branch and $last_branch (the range
-- is what reaches into the views, see member_scores.sql), $exempt_months, $committee_min_members; registered relations scoring_periods(period,
-- period_start, period_end, grain, …) and rule_requirements(requirement, per, required, types).
WITH p AS (SELECT period, period_start, period_end, grain FROM scoring_periods),
b AS (SELECT unnest($branch_ids) AS branch_id),
months AS (
    SELECT period, grain, CAST(m AS DATE) AS unit_start, last_day(CAST(m AS DATE)) AS unit_end
    FROM (SELECT period, grain,
                 unnest(range(CAST(period_start AS TIMESTAMP), CAST(period_end AS TIMESTAMP) + INTERVAL 1 DAY,
                              INTERVAL 1 MONTH)) AS m
          FROM p)
),
quarters AS (
    SELECT DISTINCT period, CAST(date_trunc('quarter', unit_start) AS DATE) AS unit_start,
           CAST(date_trunc('quarter', unit_start) + INTERVAL 3 MONTH - INTERVAL 1 DAY AS DATE) AS unit_end
    FROM months WHERE grain IN ('quarter', 'year')
),
years AS (SELECT period, period_start AS unit_start, period_end AS unit_end FROM p WHERE grain = 'year'),
-- A 支委会 is required only of a branch with a committee and enough members on its roster now.
committee AS (
    SELECT branch_id,
           count(*) FILTER (WHERE is_committee) > 0 AND count(*) >= $committee_min_members AS has_committee
    FROM live_member_versions
    WHERE branch_id BETWEEN $first_branch AND $last_branch AND list_contains($branch_ids, branch_id) AND status = '在册'
    GROUP BY branch_id
),
acts AS (
    SELECT a.branch_id, a.date, a.activity_type, a.party_groups FROM live_activities a
    WHERE a.branch_id BETWEEN $first_branch AND $last_branch AND list_contains($branch_ids, a.branch_id)
      AND a.date BETWEEN (SELECT min(period_start) FROM p) AND (SELECT max(period_end) FROM p)
),
-- A party group is required to meet in a month when it has a member on the roster that month.
groups AS (
    SELECT DISTINCT v.branch_id, m.period, m.unit_start, m.unit_end, v.party_group
    FROM months m JOIN live_member_versions v
      ON v.branch_id BETWEEN $first_branch AND $last_branch AND list_contains($branch_ids, v.branch_id) AND v.party_group IS NOT NULL
     AND (v.transferred_in IS NULL OR v.transferred_in <= m.unit_end)
     AND (v.transferred_out IS NULL OR v.transferred_out >= m.unit_start)
     AND (v.status = '在册' OR v.left_on >= m.unit_start OR v.transferred_out >= m.unit_start)
),
units AS (
    SELECT b.branch_id, m.period, r.requirement, r.per, r.required, r.types, m.unit_start, m.unit_end,
           CAST(NULL AS VARCHAR) AS party_group
    FROM rule_requirements r, months m, b LEFT JOIN committee c USING (branch_id)
    WHERE r.per = 'month' AND NOT list_contains($exempt_months, month(m.unit_start))
      AND (r.requirement <> '支委会' OR coalesce(c.has_committee, false))
    UNION ALL
    SELECT g.branch_id, g.period, r.requirement, r.per, r.required, r.types, g.unit_start, g.unit_end, g.party_group
    FROM rule_requirements r, groups g
    WHERE r.per = 'month_per_group' AND NOT list_contains($exempt_months, month(g.unit_start))
    UNION ALL
    SELECT b.branch_id, q.period, r.requirement, r.per, r.required, r.types, q.unit_start, q.unit_end, NULL
    FROM rule_requirements r, quarters q, b WHERE r.per = 'quarter'
    UNION ALL
    SELECT b.branch_id, y.period, r.requirement, r.per, r.required, r.types, y.unit_start, y.unit_end, NULL
    FROM rule_requirements r, years y, b WHERE r.per = 'year'
)
SELECT u.branch_id, u.period, u.requirement, u.per, u.unit_start, u.unit_end, u.party_group, u.required,
       count(a.date) AS held,
       least(count(a.date), u.required) AS met,
       list(strftime(a.date, '%Y-%m-%d') ORDER BY a.date) FILTER (WHERE a.date IS NOT NULL) AS held_on
FROM units u
LEFT JOIN acts a ON a.branch_id = u.branch_id AND a.date BETWEEN u.unit_start AND u.unit_end
                AND list_contains(u.types, a.activity_type)
                AND (u.party_group IS NULL OR list_contains(a.party_groups, u.party_group))
GROUP BY u.branch_id, u.period, u.requirement, u.per, u.unit_start, u.unit_end, u.party_group, u.required
ORDER BY u.branch_id, u.period, u.unit_start, u.requirement, u.party_group NULLS FIRST
