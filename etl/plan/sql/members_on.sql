-- Who is on one branch's roster on given dates (预备党员 included), as the attendance views decide it:
-- within 转入 / 转出 and 入党 dates, and not yet left (a full roster that lacked them was loaded after
-- the date). Parameters: $branch_id. Registered relation plan_dates(item_key, unit, on_date): the
-- date each per-member unit counts its members on. One row per unit and member.
SELECT d.item_key, d.unit, m.member_id, m.name, m.party_group, m.category
FROM plan_dates d
JOIN live_member_versions m ON m.branch_id = $branch_id
WHERE (m.transferred_in IS NULL OR m.transferred_in <= d.on_date)
  AND (m.transferred_out IS NULL OR m.transferred_out >= d.on_date)
  AND (m.joined IS NULL OR m.joined <= d.on_date)
  AND (m.status = '在册' OR m.transferred_out IS NOT NULL OR m.left_on > d.on_date)
ORDER BY d.item_key, d.unit, m.member_id
