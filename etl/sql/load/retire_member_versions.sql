-- After a roster load: the versions it wrote (its roster and its leavers) are the live ones, so every
-- other live version of the same members stops being live (schema v5's flag).
UPDATE member_versions SET is_live = false
WHERE branch_id = $branch_id AND is_live AND load_id <> $load_id
  AND member_id IN (SELECT member_id FROM member_versions WHERE load_id = $load_id)
