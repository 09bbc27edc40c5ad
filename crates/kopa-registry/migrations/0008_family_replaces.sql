-- A family document that replaces another: the household moved to a new document
-- when one member was erased. The replaced family is not projected.
ALTER TABLE p_families ADD COLUMN replaces TEXT;
CREATE INDEX p_families_replaces ON p_families(replaces) WHERE replaces IS NOT NULL;
