-- Acknowledgements per replica, changes waiting for their dependencies, and identity
-- cards learnt through the hub.

-- What a peer has is kept per replica: a device's signing key for sync files. The old
-- rows were kept per branch (or 'hq'), shared by every device of it and by network
-- sync, so they cannot say which device had what: they go, and the next file to each
-- peer carries everything it could lack.
DELETE FROM sync_acks;

-- Where a peer's card came from: 'card' (exchanged by hand or in an invite) or 'hub'
-- (the hub's list of enrolled devices, replaced at every sync that changes it), when
-- a file signed by that replica was last imported, and the card's branch id.
ALTER TABLE sync_peers ADD COLUMN source TEXT NOT NULL DEFAULT 'card';
ALTER TABLE sync_peers ADD COLUMN last_heard INTEGER;
ALTER TABLE sync_peers ADD COLUMN branch_id TEXT;

-- Changes received whose dependencies have not arrived: kept until they apply, so
-- nothing accepted is ever dropped. Erasing a family deletes its waiting changes too.
CREATE TABLE pending_changes (
    doc_id   TEXT NOT NULL,
    hash     TEXT NOT NULL,
    owner    TEXT NOT NULL,              -- the document's owner, as authorised on arrival
    bytes    BLOB NOT NULL,              -- the Automerge change
    missing  TEXT NOT NULL,              -- JSON array of the change hashes it waits for
    received INTEGER NOT NULL,
    PRIMARY KEY (doc_id, hash)
) STRICT;

-- On a hub: each device's identity card (public keys only), sent with its syncs, keyed
-- by the credential it syncs with; a revoked credential's card is no longer handed out.
CREATE TABLE hub_devices (
    state_key TEXT PRIMARY KEY,
    peer      TEXT NOT NULL,             -- 'hq' or the branch id
    card      TEXT NOT NULL,             -- JSON identity card
    updated   INTEGER NOT NULL
) STRICT;
CREATE INDEX hub_devices_peer ON hub_devices(peer);
