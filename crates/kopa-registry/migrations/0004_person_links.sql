-- HQ's decisions that two registrations are the same person (reference document,
-- `links` map). Reports count linked persons once; an undone link is kept, inactive.
CREATE TABLE p_person_links (
    id     TEXT PRIMARY KEY,
    doc_id TEXT NOT NULL,
    a      TEXT NOT NULL,
    b      TEXT NOT NULL,
    active INTEGER NOT NULL,
    by     TEXT NOT NULL,
    at     TEXT NOT NULL
) STRICT;
