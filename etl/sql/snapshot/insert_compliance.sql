-- A snapshot's compliance table, from the registered relation incoming (with seq). Parameter: $import_id.
INSERT INTO snapshot_compliance (import_id, seq, requirement, per, unit_start, unit_end, party_group, required, held,
    met, held_on)
SELECT $import_id, seq, requirement, per, unit_start, unit_end, party_group, required, held, met, held_on
FROM incoming
