-- Erasing one person moves the household to a new family document and supersedes
-- the old one (`replaced` map in the branch document: family id → when). The
-- lineage of every family document says which household it belongs to (the first
-- document's id) and how many documents it replaces; of a household's documents
-- only the one that replaces the most (then the greatest id) is projected.
CREATE TABLE p_replaced (
    family_id TEXT PRIMARY KEY,
    doc_id    TEXT NOT NULL,
    at        INTEGER NOT NULL
) STRICT;

CREATE TABLE p_lineage (
    family_id TEXT PRIMARY KEY,
    household TEXT NOT NULL,
    depth     INTEGER NOT NULL
) STRICT;
CREATE INDEX p_lineage_household ON p_lineage(household, depth, family_id);

-- Every family so far is the first and only document of its household.
INSERT INTO p_lineage(family_id, household, depth) SELECT id, id, 0 FROM p_families;

-- Persons erased from a household, by id (nothing personal), as each of its
-- documents records them: never shown, even from a document made elsewhere before
-- the erasure reached it.
CREATE TABLE p_erased_members (
    family_id TEXT NOT NULL,
    household TEXT NOT NULL,
    person_id TEXT NOT NULL,
    PRIMARY KEY (family_id, person_id)
) STRICT;
CREATE INDEX p_erased_members_household ON p_erased_members(household, person_id);
