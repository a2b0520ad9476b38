-- Schema version 1. Rows are never overwritten: every fact row carries the load that wrote it, and
-- the live_* views pick, for each natural key, the rows of the latest load that is not undone.
CREATE SEQUENCE branch_id_seq START 1;
CREATE SEQUENCE load_id_seq START 1;
CREATE SEQUENCE member_id_seq START 1;

CREATE TABLE branches (
    branch_id   INTEGER PRIMARY KEY DEFAULT nextval('branch_id_seq'),
    name        VARCHAR NOT NULL UNIQUE,
    school      VARCHAR,
    created_at  TIMESTAMP NOT NULL DEFAULT current_timestamp
);

CREATE TABLE loads (
    load_id       INTEGER PRIMARY KEY DEFAULT nextval('load_id_seq'),
    branch_id     INTEGER NOT NULL REFERENCES branches (branch_id),
    kind          VARCHAR NOT NULL,       -- roster | attendance | study | assessment
    file_name     VARCHAR NOT NULL,
    sha256        VARCHAR NOT NULL,
    sheets        VARCHAR,                -- sheets that were read, joined by '、'
    rows_read     INTEGER NOT NULL,
    rows_loaded   INTEGER NOT NULL,
    rows_replaced INTEGER NOT NULL DEFAULT 0,
    is_partial    BOOLEAN NOT NULL DEFAULT false,
    loaded_by     VARCHAR NOT NULL,
    loaded_at     TIMESTAMP NOT NULL,
    undone_at     TIMESTAMP,
    undone_by     VARCHAR
);

-- Identity of a member; what we know of them lives in member_versions.
CREATE TABLE members (
    member_id     INTEGER PRIMARY KEY DEFAULT nextval('member_id_seq'),
    branch_id     INTEGER NOT NULL REFERENCES branches (branch_id),
    first_load_id INTEGER NOT NULL
);

CREATE TABLE member_versions (
    load_id         INTEGER NOT NULL,
    member_id       INTEGER NOT NULL,
    branch_id       INTEGER NOT NULL,
    name            VARCHAR NOT NULL,
    member_code     VARCHAR,
    party_group     VARCHAR,
    category        VARCHAR,              -- 正式 | 预备
    gender          VARCHAR,
    birth           DATE,
    joined          DATE,
    position        VARCHAR,
    campus          VARCHAR,
    is_committee    BOOLEAN NOT NULL DEFAULT false,
    transferred_in  DATE,
    transferred_out DATE,
    status          VARCHAR NOT NULL,     -- 在册 | 离开 (a full roster that lacks the member)
    left_on         DATE,                 -- for 离开: the day the roster that lacked them was loaded
    src_sheet       VARCHAR,
    src_row         INTEGER
);

CREATE TABLE attendance (
    load_id       INTEGER NOT NULL,
    branch_id     INTEGER NOT NULL,
    date          DATE NOT NULL,
    activity_type VARCHAR NOT NULL,
    member_id     INTEGER NOT NULL,
    status        VARCHAR NOT NULL,       -- 出席 迟到 请假 缺席 补学 免
    title         VARCHAR,
    note          VARCHAR,
    src_sheet     VARCHAR,
    src_row       INTEGER,
    src_col       VARCHAR
);

-- What a meeting ledger says about a meeting beyond who attended (会议名称, 主持人, 议题 …).
CREATE TABLE meetings (
    load_id       INTEGER NOT NULL,
    branch_id     INTEGER NOT NULL,
    date          DATE NOT NULL,
    activity_type VARCHAR NOT NULL,
    title         VARCHAR,
    details       VARCHAR,                -- JSON object of the other columns
    src_sheet     VARCHAR,
    src_row       INTEGER
);

CREATE TABLE study_daily (
    load_id   INTEGER NOT NULL,
    branch_id INTEGER NOT NULL,
    member_id INTEGER NOT NULL,
    date      DATE NOT NULL,
    points    DOUBLE NOT NULL,
    src_sheet VARCHAR,
    src_row   INTEGER
);

CREATE TABLE study_totals (
    load_id    INTEGER NOT NULL,
    branch_id  INTEGER NOT NULL,
    member_id  INTEGER NOT NULL,
    as_of      DATE NOT NULL,
    total      DOUBLE NOT NULL,
    total_kind VARCHAR NOT NULL,          -- lifetime (总积分/累计积分) | yearly (年度积分)
    src_sheet  VARCHAR,
    src_row    INTEGER
);

CREATE TABLE assessments (
    load_id   INTEGER NOT NULL,
    branch_id INTEGER NOT NULL,
    member_id INTEGER NOT NULL,
    item      VARCHAR NOT NULL,
    date      DATE,
    year      INTEGER NOT NULL,           -- the year the item belongs to (年度, else the date's year)
    grade     VARCHAR,
    points    DOUBLE,                     -- explicit 分值, overrides the catalogue
    level     VARCHAR,
    note      VARCHAR,
    src_sheet VARCHAR,
    src_row   INTEGER
);

CREATE VIEW live_loads AS SELECT * FROM loads WHERE undone_at IS NULL;

CREATE VIEW live_member_versions AS
SELECT v.* FROM member_versions v JOIN live_loads USING (load_id)
QUALIFY v.load_id = max(v.load_id) OVER (PARTITION BY v.member_id);

CREATE VIEW live_attendance AS
SELECT a.* FROM attendance a JOIN live_loads USING (load_id)
QUALIFY a.load_id = max(a.load_id) OVER (PARTITION BY a.branch_id, a.date, a.activity_type, a.member_id);

CREATE VIEW live_meetings AS
SELECT m.* FROM meetings m JOIN live_loads USING (load_id)
QUALIFY m.load_id = max(m.load_id) OVER (PARTITION BY m.branch_id, m.date, m.activity_type);

CREATE VIEW live_study_daily AS
SELECT s.* FROM study_daily s JOIN live_loads USING (load_id)
QUALIFY s.load_id = max(s.load_id) OVER (PARTITION BY s.member_id, s.date);

CREATE VIEW live_study_totals AS
SELECT s.* FROM study_totals s JOIN live_loads USING (load_id)
QUALIFY s.load_id = max(s.load_id) OVER (PARTITION BY s.member_id, s.as_of);

CREATE VIEW live_assessments AS
SELECT a.* FROM assessments a JOIN live_loads USING (load_id)
QUALIFY a.load_id = max(a.load_id) OVER (PARTITION BY a.member_id, a.item, a.date, a.year);

-- An activity is held when someone has a mark at it; a 党小组会 belongs to the groups of the
-- members marked at it.
CREATE VIEW live_activities AS
SELECT a.branch_id, a.date, a.activity_type,
       list_sort(list_distinct(list(m.party_group))) AS party_groups,
       count(*) AS marked
FROM live_attendance a JOIN live_member_versions m USING (member_id)
GROUP BY ALL;

-- Every member expected at every live activity, with their mark (NULL: expected, no mark — 未签到,
-- counted as 缺席). Members on the roster that day are expected (within 转入/转出 and 入党 dates),
-- except at another group's 党小组会, and only committee members at a 支委会. Anyone marked is listed;
-- a 免 mark stays here, and the scoring leaves it out of 应到.
CREATE VIEW expected_attendance AS
SELECT act.branch_id, act.date, act.activity_type, m.member_id,
       att.status AS mark,
       coalesce(att.status, '缺席') AS status,
       att.load_id, att.src_sheet, att.src_row, att.src_col
FROM live_activities act
JOIN live_member_versions m ON m.branch_id = act.branch_id
LEFT JOIN live_attendance att
       ON att.branch_id = act.branch_id AND att.date = act.date
      AND att.activity_type = act.activity_type AND att.member_id = m.member_id
WHERE att.member_id IS NOT NULL
   OR ((m.transferred_in IS NULL OR m.transferred_in <= act.date)
       AND (m.transferred_out IS NULL OR m.transferred_out >= act.date)
       AND (m.joined IS NULL OR m.joined <= act.date)
       AND (m.status = '在册' OR m.transferred_out IS NOT NULL OR m.left_on > act.date)
       AND (act.activity_type <> '党小组会' OR list_contains(act.party_groups, m.party_group))
       AND (act.activity_type <> '支委会' OR m.is_committee));
