-- Families erased at a person's request: tombstones projected from the branch
-- documents (`erased` map: family id → when). No personal data.
CREATE TABLE p_erased (
    family_id TEXT PRIMARY KEY,
    doc_id    TEXT NOT NULL,
    at        INTEGER NOT NULL
) STRICT;
