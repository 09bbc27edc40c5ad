-- Network sync with a hub.

-- The Automerge sync state (the heads both sides are known to share) per peer and
-- document. A peer is 'hub' on a replica, and a credential id on the hub: two
-- laptops of one branch each have their own.
CREATE TABLE sync_states (
    peer   TEXT NOT NULL,
    doc_id TEXT NOT NULL,
    state  BLOB NOT NULL,
    PRIMARY KEY (peer, doc_id)
) STRICT;

-- On a hub: the credentials handed out in invites. Only a hash of each is kept.
CREATE TABLE hub_credentials (
    id          TEXT PRIMARY KEY,         -- random, names the credential in logs
    token_hash  TEXT NOT NULL UNIQUE,     -- SHA-256 of the bearer token, hex
    peer        TEXT NOT NULL,            -- 'hq' or the branch id
    branch_name TEXT NOT NULL,
    role        TEXT NOT NULL,            -- branch | hq
    created     INTEGER NOT NULL,
    revoked     INTEGER                   -- when it was revoked, or NULL
) STRICT;
CREATE INDEX hub_credentials_peer ON hub_credentials(peer);
