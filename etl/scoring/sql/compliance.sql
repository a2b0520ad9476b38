-- 三会一课 compliance of one branch for one period: one row per requirement and unit (a month, a
-- month × party group, a quarter, the year) with what was required and what was held. Parameters:
-- $branch_id, $start, $end, $grain, $exempt_months, $has_committee; the registered relation
-- rule_requirements(requirement, per, required, types) holds the rules.
WITH months AS (
    SELECT CAST(m AS DATE) AS unit_start, last_day(CAST(m AS DATE)) AS unit_end
    FROM range(CAST($start AS TIMESTAMP), CAST($end AS TIMESTAMP) + INTERVAL 1 DAY, INTERVAL 1 MONTH) t(m)
),
quarters AS (
    SELECT DISTINCT CAST(date_trunc('quarter', unit_start) AS DATE) AS unit_start,
           CAST(date_trunc('quarter', unit_start) + INTERVAL 3 MONTH - INTERVAL 1 DAY AS DATE) AS unit_end
    FROM months WHERE $grain IN ('quarter', 'year')
),
years AS (
    SELECT CAST($start AS DATE) AS unit_start, CAST($end AS DATE) AS unit_end WHERE $grain = 'year'
),
acts AS (
    SELECT date, activity_type, party_groups FROM live_activities
    WHERE branch_id = $branch_id AND date BETWEEN $start AND $end
),
-- A party group is required to meet in a month when it has a member on the roster that month.
groups AS (
    SELECT DISTINCT m.unit_start, m.unit_end, v.party_group
    FROM months m JOIN live_member_versions v ON v.branch_id = $branch_id AND v.party_group IS NOT NULL
    WHERE (v.transferred_in IS NULL OR v.transferred_in <= m.unit_end)
      AND (v.transferred_out IS NULL OR v.transferred_out >= m.unit_start)
      AND (v.status = '在册' OR v.left_on >= m.unit_start OR v.transferred_out >= m.unit_start)
),
units AS (
    SELECT r.requirement, r.per, r.required, r.types, m.unit_start, m.unit_end, CAST(NULL AS VARCHAR) AS party_group
    FROM rule_requirements r, months m
    WHERE r.per = 'month' AND NOT list_contains($exempt_months, month(m.unit_start))
      AND (r.requirement <> '支委会' OR $has_committee)
    UNION ALL
    SELECT r.requirement, r.per, r.required, r.types, g.unit_start, g.unit_end, g.party_group
    FROM rule_requirements r, groups g
    WHERE r.per = 'month_per_group' AND NOT list_contains($exempt_months, month(g.unit_start))
    UNION ALL
    SELECT r.requirement, r.per, r.required, r.types, q.unit_start, q.unit_end, NULL
    FROM rule_requirements r, quarters q WHERE r.per = 'quarter'
    UNION ALL
    SELECT r.requirement, r.per, r.required, r.types, y.unit_start, y.unit_end, NULL
    FROM rule_requirements r, years y WHERE r.per = 'year'
)
SELECT u.requirement, u.per, u.unit_start, u.unit_end, u.party_group, u.required,
       count(a.date) AS held,
       least(count(a.date), u.required) AS met,
       list(strftime(a.date, '%Y-%m-%d') ORDER BY a.date) FILTER (WHERE a.date IS NOT NULL) AS held_on
FROM units u
LEFT JOIN acts a ON a.date BETWEEN u.unit_start AND u.unit_end AND list_contains(u.types, a.activity_type)
                AND (u.party_group IS NULL OR list_contains(a.party_groups, u.party_group))
GROUP BY u.requirement, u.per, u.unit_start, u.unit_end, u.party_group, u.required
ORDER BY u.unit_start, u.requirement, u.party_group NULLS FIRST
