-- A snapshot's star_moves table, from the registered relation incoming (with seq). Parameter: $import_id.
INSERT INTO snapshot_star_moves (import_id, seq, member, party_group, previous_stars, stars, move, "index")
SELECT $import_id, seq, member, party_group, previous_stars, stars, move, "index"
FROM incoming
