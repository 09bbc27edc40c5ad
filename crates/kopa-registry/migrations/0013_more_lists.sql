-- Target groups and event head-count categories HQ added (beside the built-in ones),
-- with their labels (JSON: language → label).
CREATE TABLE p_target_groups (
    code TEXT PRIMARY KEY, doc_id TEXT NOT NULL, labels TEXT NOT NULL
) STRICT;
CREATE TABLE p_categories (
    code TEXT PRIMARY KEY, doc_id TEXT NOT NULL, labels TEXT NOT NULL
) STRICT;
