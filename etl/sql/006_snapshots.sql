-- Schema version 6: branches that can be renamed and carry their school, and 区级快照 (docs/snapshots.md):
-- the per-branch secret of anonymised exports, the district's trusted keys and the imported snapshots.
--
-- 1. Renaming a branch. DuckDB updates a row whose UNIQUE column changes as a delete and an insert,
--    and refuses that delete while another table references the row by a FOREIGN KEY ("key is still
--    referenced"), so with 001's schema `UPDATE branches SET name = …` always fails. loads and members
--    are rebuilt here without their foreign keys to branches: the fact tables never had one, branches
--    are never deleted, and every branch id is written by etl/db.py's ensure_branch. The rows, the ids
--    and the sequences are unchanged.
-- 2. branches.school has existed since 001 and was never set: NULL means "not set yet" (`etl branch`).
CREATE TEMP TABLE migrate_loads AS SELECT * FROM loads;
CREATE TEMP TABLE migrate_members AS SELECT * FROM members;
DROP TABLE members;
DROP TABLE loads;

CREATE TABLE loads (
    load_id       INTEGER PRIMARY KEY DEFAULT nextval('load_id_seq'),
    branch_id     INTEGER NOT NULL,       -- branches (branch_id); no FOREIGN KEY, see above
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
INSERT INTO loads (load_id, branch_id, kind, file_name, sha256, sheets, rows_read, rows_loaded, rows_replaced,
                   is_partial, loaded_by, loaded_at, undone_at, undone_by)
SELECT load_id, branch_id, kind, file_name, sha256, sheets, rows_read, rows_loaded, rows_replaced,
       is_partial, loaded_by, loaded_at, undone_at, undone_by
FROM migrate_loads;

CREATE TABLE members (
    member_id     INTEGER PRIMARY KEY DEFAULT nextval('member_id_seq'),
    branch_id     INTEGER NOT NULL,       -- branches (branch_id); no FOREIGN KEY, see above
    first_load_id INTEGER NOT NULL
);
INSERT INTO members (member_id, branch_id, first_load_id) SELECT member_id, branch_id, first_load_id FROM migrate_members;
DROP TABLE migrate_loads;
DROP TABLE migrate_members;

-- The secret of a branch's anonymised exports: member codes are HMAC-SHA256(secret, member id), so
-- they are stable across exports and nobody without this row can recompute one from a guessed name.
CREATE TABLE branch_secrets (
    branch_id  INTEGER PRIMARY KEY,
    secret     BLOB NOT NULL,
    created_at TIMESTAMP NOT NULL DEFAULT current_timestamp
);

-- The district's register of each branch's Ed25519 public keys (`etl snapshot trust`). A revoked key
-- stays, so a snapshot signed by it is named as signed by a revoked key, not by an unknown one.
CREATE TABLE trusted_keys (
    branch_id     INTEGER NOT NULL,
    fingerprint   VARCHAR NOT NULL,       -- the first 16 hex digits of sha256(public key)
    public_key    BLOB NOT NULL,          -- the raw 32 bytes
    registered_at TIMESTAMP NOT NULL,
    registered_by VARCHAR NOT NULL,
    revoked_at    TIMESTAMP,
    revoked_by    VARCHAR,
    PRIMARY KEY (branch_id, fingerprint)
);

-- Every imported snapshot file. Rows are never deleted: a newer snapshot of the same branch and period
-- sets replaced_by on the one it replaces, and current_snapshots is what is not replaced.
CREATE SEQUENCE snapshot_import_id_seq START 1;
CREATE TABLE snapshot_imports (
    import_id       INTEGER PRIMARY KEY DEFAULT nextval('snapshot_import_id_seq'),
    branch_id       INTEGER NOT NULL,
    period          VARCHAR NOT NULL,
    school          VARCHAR,              -- as the snapshot says
    created_at      TIMESTAMP NOT NULL,   -- the manifest's created_at, in UTC
    manifest_sha256 VARCHAR NOT NULL,     -- what makes two files the same snapshot
    file_name       VARCHAR NOT NULL,
    file_sha256     VARCHAR NOT NULL,
    signed          BOOLEAN NOT NULL,
    key_fingerprint VARCHAR,
    anonymized      BOOLEAN NOT NULL,
    rules_source    VARCHAR NOT NULL,
    rules_sha256    VARCHAR NOT NULL,
    tool_version    VARCHAR NOT NULL,
    format_version  INTEGER NOT NULL,
    manifest        VARCHAR NOT NULL,     -- the manifest's text, byte for byte as signed
    imported_at     TIMESTAMP NOT NULL,
    imported_by     VARCHAR NOT NULL,
    replaced_by     INTEGER,
    replaced_at     TIMESTAMP
);

CREATE VIEW current_snapshots AS SELECT * FROM snapshot_imports WHERE replaced_by IS NULL;

-- The snapshot's tables (docs/snapshots.md has their columns); seq keeps the order of the file.
CREATE TABLE snapshot_member_scores (
    import_id            INTEGER NOT NULL,
    seq                  INTEGER NOT NULL,
    member               VARCHAR NOT NULL,  -- the name as `etl scores` shows it, or its code when anonymised
    party_group          VARCHAR,
    campus               VARCHAR,
    category             VARCHAR,
    is_committee         BOOLEAN,
    expected             BIGINT,
    attended             BIGINT,
    absences             BIGINT,
    unmarked             BIGINT,
    lates                BIGINT,
    leaves               BIGINT,
    attendance_rate      DOUBLE,
    study_days           BIGINT,
    active_days          BIGINT,
    study_points         DOUBLE,
    avg_daily            DOUBLE,
    appraisal            VARCHAR,
    volunteer_bonus      DOUBLE,
    other_bonus          DOUBLE,
    attendance_deduction DOUBLE,
    item_deduction       DOUBLE,
    veto_by_item         BOOLEAN,
    veto_detail          VARCHAR,
    veto_by_appraisal    BOOLEAN,
    veto_by_absence      BOOLEAN,
    attendance_score     DOUBLE,
    study_score          DOUBLE,
    appraisal_score      DOUBLE,
    base                 DOUBLE,
    bonus                DOUBLE,
    deduction            DOUBLE,
    discipline           DOUBLE,
    vetoed               BOOLEAN,
    "index"              DOUBLE,
    stars                INTEGER,
    needs_help           BOOLEAN
);

CREATE TABLE snapshot_branch_scores (
    import_id           INTEGER NOT NULL,
    members_scored      INTEGER NOT NULL,
    member_mean         DOUBLE,
    compliance_rate     DOUBLE,
    compliance_required DOUBLE NOT NULL,
    compliance_met      DOUBLE NOT NULL,
    "index"             DOUBLE,
    stars               INTEGER,
    previous_period     VARCHAR NOT NULL,
    previous_index      DOUBLE,
    previous_stars      INTEGER
);

CREATE TABLE snapshot_compliance (
    import_id   INTEGER NOT NULL,
    seq         INTEGER NOT NULL,
    requirement VARCHAR NOT NULL,
    per         VARCHAR NOT NULL,
    unit_start  DATE NOT NULL,
    unit_end    DATE NOT NULL,
    party_group VARCHAR,
    required    BIGINT NOT NULL,
    held        BIGINT NOT NULL,
    met         BIGINT NOT NULL,
    held_on     VARCHAR[]
);

CREATE TABLE snapshot_star_moves (
    import_id      INTEGER NOT NULL,
    seq            INTEGER NOT NULL,
    member         VARCHAR NOT NULL,
    party_group    VARCHAR,
    previous_stars INTEGER,
    stars          INTEGER NOT NULL,
    move           VARCHAR NOT NULL,  -- up | down | same | new (not scored in the previous period)
    "index"        DOUBLE NOT NULL
);
