-- Kopā replica schema, version 1. Never edit once shipped: add a new file instead.

-- Replica identity and settings (branch, role, device, current user).
CREATE TABLE meta (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL
) STRICT;

-- The replicated truth: Automerge documents, a snapshot plus incremental chunks.
CREATE TABLE docs (
    doc_id   TEXT PRIMARY KEY,          -- 'branch:<uuid>' | 'family:<uuid>' | 'reference'
    kind     TEXT NOT NULL,             -- branch | family | reference
    owner    TEXT NOT NULL,             -- owning branch id, or 'hq'
    snapshot BLOB NOT NULL
) STRICT;

CREATE TABLE doc_chunks (
    doc_id TEXT NOT NULL REFERENCES docs(doc_id) ON DELETE CASCADE,
    seq    INTEGER NOT NULL,
    bytes  BLOB NOT NULL,
    PRIMARY KEY (doc_id, seq)
) STRICT;

-- Everything below is a projection of the documents and can be rebuilt from them.

CREATE TABLE p_branches (
    id TEXT PRIMARY KEY, doc_id TEXT NOT NULL, name TEXT NOT NULL, municipality TEXT NOT NULL
) STRICT;

CREATE TABLE p_families (
    id TEXT PRIMARY KEY, doc_id TEXT NOT NULL, branch TEXT NOT NULL, name TEXT NOT NULL,
    municipality TEXT NOT NULL, contact TEXT, status TEXT NOT NULL,
    consent_date TEXT, consent_scope TEXT, consent_by TEXT, registered TEXT NOT NULL
) STRICT;
CREATE INDEX p_families_branch ON p_families(branch);

CREATE TABLE p_family_tags (
    family_id TEXT NOT NULL, kind TEXT NOT NULL, value TEXT NOT NULL,
    PRIMARY KEY (family_id, kind, value)
) STRICT;

CREATE TABLE p_persons (
    id TEXT PRIMARY KEY, family_id TEXT NOT NULL, given_name TEXT NOT NULL,
    family_name TEXT NOT NULL, birth_year INTEGER, birth_date TEXT, gender TEXT NOT NULL,
    role TEXT NOT NULL, target_groups TEXT NOT NULL
) STRICT;
CREATE INDEX p_persons_family ON p_persons(family_id);

CREATE TABLE p_notes (
    id TEXT PRIMARY KEY, family_id TEXT NOT NULL, date TEXT NOT NULL, text TEXT NOT NULL,
    author TEXT NOT NULL
) STRICT;
CREATE INDEX p_notes_family ON p_notes(family_id);

CREATE TABLE p_follow_ups (
    id TEXT PRIMARY KEY, family_id TEXT NOT NULL, due TEXT NOT NULL, text TEXT NOT NULL,
    done INTEGER NOT NULL, author TEXT NOT NULL
) STRICT;
CREATE INDEX p_follow_ups_family ON p_follow_ups(family_id);

CREATE TABLE p_groups (
    id TEXT PRIMARY KEY, doc_id TEXT NOT NULL, branch TEXT NOT NULL, name TEXT NOT NULL,
    activity TEXT NOT NULL, municipality TEXT NOT NULL, start TEXT, end TEXT,
    weekday INTEGER, time TEXT, place TEXT
) STRICT;

CREATE TABLE p_group_members (
    group_id TEXT NOT NULL, person_id TEXT NOT NULL, PRIMARY KEY (group_id, person_id)
) STRICT;
CREATE INDEX p_group_members_person ON p_group_members(person_id);

CREATE TABLE p_group_facilitators (
    group_id TEXT NOT NULL, volunteer_id TEXT NOT NULL, PRIMARY KEY (group_id, volunteer_id)
) STRICT;

CREATE TABLE p_sessions (
    id TEXT PRIMARY KEY, doc_id TEXT NOT NULL, branch TEXT NOT NULL, group_id TEXT NOT NULL,
    date TEXT NOT NULL, time TEXT, minutes INTEGER NOT NULL, place TEXT, topics TEXT NOT NULL,
    note TEXT NOT NULL
) STRICT;
CREATE INDEX p_sessions_group_date ON p_sessions(group_id, date);
CREATE INDEX p_sessions_date ON p_sessions(date);

CREATE TABLE p_attendance (
    session_id TEXT NOT NULL, person_id TEXT NOT NULL, PRIMARY KEY (session_id, person_id)
) STRICT;
CREATE INDEX p_attendance_person ON p_attendance(person_id);

CREATE TABLE p_session_guests (
    session_id TEXT NOT NULL, category TEXT NOT NULL, count INTEGER NOT NULL,
    PRIMARY KEY (session_id, category)
) STRICT;

CREATE TABLE p_session_facilitators (
    session_id TEXT NOT NULL, volunteer_id TEXT NOT NULL, PRIMARY KEY (session_id, volunteer_id)
) STRICT;

CREATE TABLE p_volunteers (
    id TEXT PRIMARY KEY, doc_id TEXT NOT NULL, branch TEXT NOT NULL, given_name TEXT NOT NULL,
    family_name TEXT NOT NULL, role TEXT NOT NULL, contact TEXT, active INTEGER NOT NULL
) STRICT;

CREATE TABLE p_trainings (
    id TEXT PRIMARY KEY, doc_id TEXT NOT NULL, branch TEXT NOT NULL, volunteer_id TEXT NOT NULL,
    date TEXT NOT NULL, topic TEXT NOT NULL, tenth_hours INTEGER NOT NULL
) STRICT;
CREATE INDEX p_trainings_volunteer ON p_trainings(volunteer_id);

CREATE TABLE p_events (
    id TEXT PRIMARY KEY, doc_id TEXT NOT NULL, branch TEXT NOT NULL, name TEXT NOT NULL,
    activity TEXT NOT NULL, date TEXT NOT NULL, municipality TEXT NOT NULL
) STRICT;

CREATE TABLE p_event_counts (
    event_id TEXT NOT NULL, category TEXT NOT NULL, count INTEGER NOT NULL,
    PRIMARY KEY (event_id, category)
) STRICT;

CREATE TABLE p_event_participants (
    event_id TEXT NOT NULL, person_id TEXT NOT NULL, PRIMARY KEY (event_id, person_id)
) STRICT;

CREATE TABLE p_projects (
    id TEXT PRIMARY KEY, doc_id TEXT NOT NULL, name TEXT NOT NULL, donor TEXT NOT NULL,
    start TEXT NOT NULL, end TEXT NOT NULL, branches TEXT NOT NULL
) STRICT;

CREATE TABLE p_indicators (
    id TEXT PRIMARY KEY, doc_id TEXT NOT NULL, project_id TEXT NOT NULL, name TEXT NOT NULL,
    rule TEXT NOT NULL, params TEXT NOT NULL, target INTEGER NOT NULL
) STRICT;

-- Fields set concurrently on two devices, waiting for a person to pick a value.
CREATE TABLE p_conflicts (
    id TEXT PRIMARY KEY,                 -- '<record id>/<field path>'
    doc_id TEXT NOT NULL, record_id TEXT NOT NULL, record_kind TEXT NOT NULL,
    field TEXT NOT NULL, candidates TEXT NOT NULL   -- JSON array, in a stable order
) STRICT;
CREATE INDEX p_conflicts_doc ON p_conflicts(doc_id);

-- Search index: each name token, and each token with one letter deleted (typos).
CREATE TABLE p_search (
    key TEXT NOT NULL, token TEXT NOT NULL, word TEXT NOT NULL, is_token INTEGER NOT NULL,
    family_id TEXT NOT NULL, person_id TEXT, field TEXT NOT NULL
) STRICT;
CREATE INDEX p_search_key ON p_search(key, is_token);
CREATE INDEX p_search_family ON p_search(family_id);
