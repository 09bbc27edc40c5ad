-- Peers this replica exchanges sync files with, and what each has acknowledged.

CREATE TABLE sync_peers (
    sign_key  TEXT PRIMARY KEY,          -- ed25519 verifying key, base64
    peer      TEXT NOT NULL,             -- 'hq' or the branch id
    name      TEXT NOT NULL,             -- branch name, for people
    role      TEXT NOT NULL,             -- branch | hq
    device    TEXT NOT NULL,
    recipient TEXT NOT NULL              -- age X25519 recipient
) STRICT;
CREATE INDEX sync_peers_peer ON sync_peers(peer);

-- The heads of each document that a peer told us it has.
CREATE TABLE sync_acks (
    peer   TEXT NOT NULL,
    doc_id TEXT NOT NULL,
    heads  TEXT NOT NULL,                -- JSON array of change hashes
    PRIMARY KEY (peer, doc_id)
) STRICT;

-- When we last sent to / heard from each peer (milliseconds since the epoch).
CREATE TABLE sync_log (
    peer        TEXT PRIMARY KEY,
    last_sent   INTEGER,
    last_heard  INTEGER
) STRICT;

-- Files already imported (by content hash): importing one twice equals once.
CREATE TABLE sync_imported (
    hash TEXT PRIMARY KEY,
    at   INTEGER NOT NULL
) STRICT;
