-- Schema version 8: 工作记录 (records), the fifth source kind — plan evidence beyond 三会一课: 廉政专题会,
-- 谈心谈话, 走访慰问, 承诺书, 政治学习, 春训, 冬训 (etl/sources/records.py reads them). One row is one event
-- for one subject: a row of a file naming several people becomes one row each. A subject who is a
-- member has member_id; anyone else (a retired member, a teacher in hardship) is kept as text in
-- subject with member_id NULL, and a record naming nobody (a 专题会) has subject ''.
-- Conversation content (谈话内容, 谈话记录) is dropped on read and never reaches this table.
-- Natural key: branch_id, date, record_type, subject. is_live is kept by etl/load.py exactly as 005
-- keeps it for the other fact tables. Records change no score: no scoring view reads this table.
CREATE TABLE records (
    load_id     INTEGER NOT NULL,
    branch_id   INTEGER NOT NULL,
    date        DATE NOT NULL,
    record_type VARCHAR NOT NULL,   -- 廉政专题会 谈心谈话 走访慰问 承诺书 政治学习 春训 冬训
    subject     VARCHAR NOT NULL,   -- one subject as written (normalised); '' when the record names none
    member_id   INTEGER,            -- the matched member; NULL for other people
    leader      VARCHAR,            -- 负责人 / 谈话人 / 走访人
    topic       VARCHAR,            -- 主题
    details     VARCHAR,            -- JSON object of the other kept columns (慰问品 …)
    src_sheet   VARCHAR,
    src_row     INTEGER,
    is_live     BOOLEAN DEFAULT true
);
CREATE VIEW live_records AS SELECT * EXCLUDE (is_live) FROM records WHERE is_live;
