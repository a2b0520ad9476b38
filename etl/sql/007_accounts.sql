-- Accounts, sessions, lockout and the audit log (docs/accounts.md).
--
-- No FOREIGN KEY anywhere here, for the reason of 006: DuckDB turns an update of a referenced row's
-- unique column into a refused delete, and accounts are updated (password, disabled). Branches are
-- never deleted, and a rename keeps the branch's id, so user_branches and audit_log keep branch ids.

-- Who may sign in. password_hash is an argon2id string (argon2-cffi's encoding: algorithm, parameters,
-- salt and hash); the password itself is never stored. username is kept normalised (NFKC, no invisible
-- characters, lower case), so a sign-in finds it whatever the case typed. A disabled account stays,
-- so the audit log and the load history still name it.
CREATE SEQUENCE user_id_seq START 1;
CREATE TABLE users (
    user_id             INTEGER PRIMARY KEY DEFAULT nextval('user_id_seq'),
    username            VARCHAR NOT NULL UNIQUE,
    password_hash       VARCHAR NOT NULL,
    role                VARCHAR NOT NULL CHECK (role IN ('secretary', 'leadership', 'district')),
    created_at          TIMESTAMP NOT NULL,   -- UTC, as every time in these tables
    created_by          VARCHAR NOT NULL,
    password_changed_at TIMESTAMP NOT NULL,
    disabled_at         TIMESTAMP,
    disabled_by         VARCHAR
);

-- A user's scope is a set of branches (a 党总支 leads several). A district user has no rows here: its
-- scope is every branch, today's and those added later.
CREATE TABLE user_branches (
    user_id   INTEGER NOT NULL,
    branch_id INTEGER NOT NULL,
    PRIMARY KEY (user_id, branch_id)
);

-- The app's signed-in sessions. The cookie carries a random token; only its SHA-256 is stored, so a
-- copy of the database (a backup) signs nobody in. A session ends on sign-out, after idle time, or when
-- the account is disabled or its password is set; ended sessions stay for the record.
CREATE TABLE sessions (
    token_sha256 VARCHAR PRIMARY KEY,
    user_id      INTEGER NOT NULL,
    created_at   TIMESTAMP NOT NULL,
    last_seen_at TIMESTAMP NOT NULL,
    ended_at     TIMESTAMP,
    end_reason   VARCHAR                      -- signed_out | idle | disabled | password_set
);

-- Every sign-in attempt of the last while, by the name typed (normalised), whether or not an account
-- has that name: five failures lock the name itself. outcome: ok | failed | locked (tried while locked,
-- not counted, so a lock ends when it said it would). Old rows are pruned; the audit log keeps the record.
CREATE TABLE sign_in_attempts (
    username     VARCHAR NOT NULL,
    attempted_at TIMESTAMP NOT NULL,
    outcome      VARCHAR NOT NULL
);

-- Who did what, when: sign-ins and their failures, account changes, loads and undos, snapshot exports,
-- imports and trust, downloads, views of a member's page, backups and restores. branch is the branch's
-- name as it was, branch_id the branch it names (NULL when none had that name), so a renamed branch
-- keeps its history; both are NULL for what concerns no branch (a district account, a sign-in under an
-- unknown name). An act on several branches is one row per branch, so a secretary's view of her
-- branches misses none of it. via is where it was done: app or cli. Rows are only ever added.
CREATE SEQUENCE audit_id_seq START 1;
CREATE TABLE audit_log (
    audit_id    BIGINT PRIMARY KEY DEFAULT nextval('audit_id_seq'),
    happened_at TIMESTAMP NOT NULL,           -- "at" is a keyword in DuckDB
    who         VARCHAR NOT NULL,
    via         VARCHAR NOT NULL,
    action      VARCHAR NOT NULL,
    branch_id   INTEGER,
    branch      VARCHAR,
    target      VARCHAR,
    detail      VARCHAR
);
