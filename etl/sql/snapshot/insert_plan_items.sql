-- A snapshot's plan_items table (format 2), from the registered relation incoming (with seq). Parameter: $import_id.
INSERT INTO snapshot_plan_items (import_id, seq, as_of, key, name, per, status, done, required, measure, progress,
    due, next_checkpoint, checkpoint_count, evidence_count, missing_count, units, units_due, units_due_met,
    units_overdue)
SELECT $import_id, seq, as_of, key, name, per, status, done, required, measure, progress, due, next_checkpoint,
       checkpoint_count, evidence_count, missing_count, units, units_due, units_due_met, units_overdue
FROM incoming
