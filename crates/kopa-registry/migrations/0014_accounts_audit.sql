-- The people who may unlock a branch's replicas, with their roles, and the audit of
-- sensitive actions (ids only, never personal values of the records acted on).
CREATE TABLE p_accounts (
    id TEXT PRIMARY KEY, doc_id TEXT NOT NULL, branch TEXT NOT NULL,
    name TEXT NOT NULL, access TEXT NOT NULL, removed INTEGER NOT NULL
) STRICT;
CREATE TABLE p_audit (
    id TEXT PRIMARY KEY, doc_id TEXT NOT NULL, branch TEXT NOT NULL,
    at INTEGER NOT NULL, action TEXT NOT NULL, account TEXT NOT NULL, who TEXT NOT NULL,
    device TEXT NOT NULL, records TEXT NOT NULL
) STRICT;
CREATE INDEX p_audit_at ON p_audit(at);
-- The role of each person given a lock on this laptop, as given here: what they may
-- do until the branch's accounts (which sync and win) say otherwise.
CREATE TABLE local_accounts (
    account TEXT PRIMARY KEY, access TEXT NOT NULL
) STRICT;
