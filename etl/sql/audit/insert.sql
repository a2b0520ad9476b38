-- A batch of audit events from the registered relation audit_batch (seq, happened_at, who, via,
-- action, branch, target, detail), in order. branch_id is the branch of that name, NULL when none has
-- it. The casts: a batch whose column is all empty reaches DuckDB without a type.
INSERT INTO audit_log (happened_at, who, via, action, branch_id, branch, target, detail)
SELECT CAST(e.happened_at AS TIMESTAMP), CAST(e.who AS VARCHAR), CAST(e.via AS VARCHAR), CAST(e.action AS VARCHAR),
       b.branch_id, CAST(e.branch AS VARCHAR), CAST(e.target AS VARCHAR), CAST(e.detail AS VARCHAR)
FROM audit_batch e
LEFT JOIN branches b ON b.name = CAST(e.branch AS VARCHAR)
ORDER BY e.seq
