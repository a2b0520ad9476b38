-- Schema version 9: the work plan in a snapshot (format version 2, docs/snapshots.md). A snapshot's
-- plan_items table is the branch's plan checklist (etl/plan/checklist.py) on the snapshot's as-of
-- date — the period's end, or the export day when that came first — one row per plan item, with the
-- units due by that date and how many of them were met, so the district can compare plan completion
-- without the branch's raw rows. No member names: missing members are counted, never listed.
-- A format-1 snapshot has no plan: its import stores no rows here.
CREATE TABLE snapshot_plan_items (
    import_id        INTEGER NOT NULL,
    seq              INTEGER NOT NULL,
    as_of            DATE NOT NULL,     -- the date the statuses describe
    key              VARCHAR NOT NULL,  -- the plan's item key (三会一课·支委会, 谈心谈话 …)
    name             VARCHAR NOT NULL,
    per              VARCHAR NOT NULL,  -- year | quarter | month | member, or the rules' 三会一课 per
    status           VARCHAR NOT NULL,  -- 已完成 进行中 落后 未开始 逾期 仅展示
    done             BIGINT,            -- NULL for 学习强国 (shown, never judged)
    required         BIGINT,
    measure          VARCHAR NOT NULL,  -- 次 | 人 | %
    progress         VARCHAR NOT NULL,
    due              DATE,
    next_checkpoint  DATE,
    checkpoint_count BIGINT,
    evidence_count   BIGINT NOT NULL,
    missing_count    BIGINT NOT NULL,
    units            BIGINT NOT NULL,   -- the item's units in the year (months, quarters, groups, the year)
    units_due        BIGINT NOT NULL,   -- of them, due on or before as_of
    units_due_met    BIGINT NOT NULL,   -- of those, met
    units_overdue    BIGINT NOT NULL    -- units 逾期 on as_of
);
