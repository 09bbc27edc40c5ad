-- Fields HQ defines (the reference document's `fields`), and the values records hold.
CREATE TABLE p_fields (
    code TEXT PRIMARY KEY, doc_id TEXT NOT NULL, def TEXT NOT NULL   -- JSON FieldDef
) STRICT;
-- One row per record and field: a family's or a person's (family_id set, for the
-- family document's clean-up), a group's, a session's or an event's.
CREATE TABLE p_field_values (
    record_id TEXT NOT NULL, family_id TEXT, field TEXT NOT NULL, value TEXT NOT NULL,
    doc_id TEXT NOT NULL, PRIMARY KEY (record_id, field)
) STRICT;
CREATE INDEX p_field_values_family ON p_field_values(family_id);
