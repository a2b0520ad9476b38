-- A member's identity (what we know of them lives in member_versions). Positional: member_id, branch_id, load.
INSERT INTO members (member_id, branch_id, first_load_id) VALUES (?, ?, ?)
