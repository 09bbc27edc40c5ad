-- Values HQ adds to the reference lists (beside the built-in ones), with their labels
-- (JSON: language → label); a former municipality has the last day it existed and
-- what it became part of.
CREATE TABLE p_municipalities (
    code TEXT PRIMARY KEY, doc_id TEXT NOT NULL, labels TEXT NOT NULL,
    until TEXT, successor TEXT
) STRICT;
CREATE TABLE p_activities (
    code TEXT PRIMARY KEY, doc_id TEXT NOT NULL, labels TEXT NOT NULL
) STRICT;
