//! Personal unlock: the replica's database key is 32 random bytes, and each person who
//! may open this replica holds it wrapped under their own passphrase. The wraps live
//! in a small side file beside the replica (`replica.kopa.keys`), readable without the
//! key: who may unlock here (ids and names, no passphrases, no records), each with
//! the key sealed under Argon2id + XChaCha20-Poly1305.
//!
//! Adding, removing or resetting a person touches that person's wrap only; the
//! database is never re-encrypted for it. A recovery wrap, sealed under a long
//! random code shown once, opens the key when no one remembers a passphrase.
//!
//! Each wrap is sealed with its person id as associated data, so a wrap moved to
//! another person's entry (to unlock as them) fails to open. The file is written to a
//! temporary name, synced and renamed, so a crash leaves the old or the new file,
//! never half of one.

use crate::error::{Error, Result};
use argon2::{Algorithm, Argon2, Params, Version};
use base64::engine::general_purpose::STANDARD as B64;
use base64::Engine;
use chacha20poly1305::aead::{Aead, KeyInit, Payload};
use chacha20poly1305::{XChaCha20Poly1305, XNonce};
use rand::rngs::OsRng;
use rand::RngCore;
use serde::{Deserialize, Serialize};
use std::path::{Path, PathBuf};

/// The id the recovery wrap is sealed with.
const RECOVERY: &str = "recovery";
const VERSION: u32 = 1;

/// The replica's database key: 32 random bytes, given to SQLCipher as a raw key
/// (no key derivation inside SQLCipher; the passphrase's derivation is the wrap's).
#[derive(Clone, PartialEq, Eq)]
pub struct DbKey([u8; 32]);

impl std::fmt::Debug for DbKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("DbKey(…)")
    }
}

impl DbKey {
    /// A new key from the operating system's random source.
    pub fn generate() -> DbKey {
        let mut k = [0u8; 32];
        OsRng.fill_bytes(&mut k);
        DbKey(k)
    }

    /// The key as SQLCipher's `PRAGMA key` takes a raw key: `x'…'`.
    pub fn sqlcipher(&self) -> String {
        let hex: String = self.0.iter().map(|b| format!("{b:02X}")).collect();
        format!("x'{hex}'")
    }
}

/// How costly one guess at a passphrase is. Stored with each wrap, so a wrap keeps
/// opening when the default changes.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Cost {
    /// Memory in KiB.
    pub m_kib: u32,
    /// Passes.
    pub t: u32,
    /// Lanes.
    pub p: u32,
}

impl Cost {
    /// RFC 9106's second recommended setting: 64 MiB, 3 passes, one lane.
    pub const STANDARD: Cost = Cost {
        m_kib: 64 * 1024,
        t: 3,
        p: 1,
    };
    /// For secrets that are random, not chosen by a person (a recovery code, the
    /// hub's machine key), where guessing is hopeless anyway; and for tests, where
    /// hundreds of replicas are made (worthless against guessing a person's choice).
    pub const LIGHT: Cost = Cost {
        m_kib: 64,
        t: 1,
        p: 1,
    };
}

/// A key sealed under a secret.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Wrap {
    pub cost: Cost,
    pub salt: String,
    pub nonce: String,
    pub sealed: String,
}

/// One person who may unlock this replica.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Lock {
    /// The person's id in the branch's people (`PersonId` key of the branch data).
    pub person: String,
    /// Their name, shown on the unlock screen.
    pub name: String,
    pub wrap: Wrap,
}

/// The side file.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Keyring {
    pub version: u32,
    pub locks: Vec<Lock>,
    pub recovery: Option<Wrap>,
    /// Wrong passphrases since the last unlock: they slow the next tries down and
    /// are written to the audit at the next unlock.
    #[serde(default)]
    pub failed: Vec<i64>,
}

/// Where the keyring of the replica at `replica` is.
pub fn path_of(replica: &Path) -> PathBuf {
    let mut s = replica.as_os_str().to_owned();
    s.push(".keys");
    PathBuf::from(s)
}

fn derive(secret: &str, salt: &[u8], cost: Cost) -> Result<[u8; 32]> {
    let params = Params::new(cost.m_kib, cost.t, cost.p, Some(32))
        .map_err(|e| Error::Corrupt(format!("keyring cost: {e}")))?;
    let mut out = [0u8; 32];
    Argon2::new(Algorithm::Argon2id, Version::V0x13, params)
        .hash_password_into(secret.as_bytes(), salt, &mut out)
        .map_err(|e| Error::Corrupt(format!("keyring derivation: {e}")))?;
    Ok(out)
}

fn decode(field: &str, s: &str) -> Result<Vec<u8>> {
    B64.decode(s)
        .map_err(|_| Error::Corrupt(format!("keyring {field}")))
}

impl Wrap {
    /// Seals `key` under `secret` for `id`.
    pub fn seal(key: &DbKey, secret: &str, id: &str, cost: Cost) -> Result<Wrap> {
        let mut salt = [0u8; 16];
        OsRng.fill_bytes(&mut salt);
        let mut nonce = [0u8; 24];
        OsRng.fill_bytes(&mut nonce);
        let kek = derive(secret, &salt, cost)?;
        let sealed = XChaCha20Poly1305::new((&kek).into())
            .encrypt(
                XNonce::from_slice(&nonce),
                Payload {
                    msg: &key.0,
                    aad: id.as_bytes(),
                },
            )
            .map_err(|_| Error::Corrupt("keyring sealing".into()))?;
        Ok(Wrap {
            cost,
            salt: B64.encode(salt),
            nonce: B64.encode(nonce),
            sealed: B64.encode(sealed),
        })
    }

    /// The key, if `secret` is the one it was sealed under (for `id`).
    pub fn open(&self, secret: &str, id: &str) -> Result<Option<DbKey>> {
        let salt = decode("salt", &self.salt)?;
        let nonce = decode("nonce", &self.nonce)?;
        let sealed = decode("sealed", &self.sealed)?;
        if nonce.len() != 24 {
            return Err(Error::Corrupt("keyring nonce".into()));
        }
        let kek = derive(secret, &salt, self.cost)?;
        let Ok(plain) = XChaCha20Poly1305::new((&kek).into()).decrypt(
            XNonce::from_slice(&nonce),
            Payload {
                msg: &sealed,
                aad: id.as_bytes(),
            },
        ) else {
            return Ok(None);
        };
        let key: [u8; 32] = plain
            .try_into()
            .map_err(|_| Error::Corrupt("keyring key length".into()))?;
        Ok(Some(DbKey(key)))
    }
}

/// A recovery code: 120 random bits in six groups of five letters and digits that
/// cannot be mistaken for each other on paper.
pub fn new_recovery_code() -> String {
    const ALPHABET: &[u8] = b"ABCDEFGHJKLMNPQRSTUVWXYZ23456789";
    let mut bytes = [0u8; 30];
    OsRng.fill_bytes(&mut bytes);
    let chars: Vec<char> = bytes
        .iter()
        .map(|b| ALPHABET[(*b as usize) % ALPHABET.len()] as char)
        .collect();
    chars
        .chunks(5)
        .map(|c| c.iter().collect::<String>())
        .collect::<Vec<_>>()
        .join("-")
}

/// A recovery code as typed: case, spaces and dashes do not matter.
fn normalise_code(code: &str) -> String {
    let clean: String = code
        .chars()
        .filter(|c| c.is_ascii_alphanumeric())
        .map(|c| c.to_ascii_uppercase())
        .collect();
    clean
        .as_bytes()
        .chunks(5)
        .map(|c| String::from_utf8_lossy(c).into_owned())
        .collect::<Vec<_>>()
        .join("-")
}

impl Keyring {
    /// The keyring beside `replica`, if it has one (a replica of the first release
    /// has none: its one passphrase is its SQLCipher key).
    pub fn read(replica: &Path) -> Result<Option<Keyring>> {
        let path = path_of(replica);
        let text = match std::fs::read(&path) {
            Ok(t) => t,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
            Err(e) => return Err(e.into()),
        };
        let ring: Keyring = serde_json::from_slice(&text)
            .map_err(|e| Error::Corrupt(format!("keyring {}: {e}", path.display())))?;
        if ring.version != VERSION {
            return Err(Error::Corrupt(format!(
                "keyring {} is of version {}",
                path.display(),
                ring.version
            )));
        }
        Ok(Some(ring))
    }

    /// Writes the keyring beside `replica`: all of it or, after a crash, the old one.
    pub fn write(&self, replica: &Path) -> Result<()> {
        let path = path_of(replica);
        let tmp = {
            let mut s = path.as_os_str().to_owned();
            s.push(".tmp");
            PathBuf::from(s)
        };
        let text = serde_json::to_vec_pretty(&Keyring {
            version: VERSION,
            ..self.clone()
        })
        .map_err(|e| Error::Corrupt(format!("keyring: {e}")))?;
        {
            use std::io::Write;
            let mut options = std::fs::OpenOptions::new();
            options.write(true).create(true).truncate(true);
            // Only the person's own account reads it (names, and wraps to guess at).
            #[cfg(unix)]
            std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
            let mut f = options.open(&tmp)?;
            f.write_all(&text)?;
            f.sync_all()?;
        }
        std::fs::rename(&tmp, &path)?;
        if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
            // The rename itself reaches the disk (on systems that can sync a folder).
            if let Ok(d) = std::fs::File::open(dir) {
                let _ = d.sync_all();
            }
        }
        Ok(())
    }

    /// A keyring with one person's lock.
    pub fn first(
        key: &DbKey,
        person: &str,
        name: &str,
        passphrase: &str,
        cost: Cost,
    ) -> Result<Keyring> {
        let mut ring = Keyring {
            version: VERSION,
            ..Keyring::default()
        };
        ring.set(key, person, name, passphrase, cost)?;
        Ok(ring)
    }

    /// Adds or replaces one person's lock (a new person, or a reset passphrase).
    pub fn set(
        &mut self,
        key: &DbKey,
        person: &str,
        name: &str,
        passphrase: &str,
        cost: Cost,
    ) -> Result<()> {
        let wrap = Wrap::seal(key, passphrase, person, cost)?;
        self.locks.retain(|l| l.person != person);
        self.locks.push(Lock {
            person: person.into(),
            name: name.into(),
            wrap,
        });
        Ok(())
    }

    /// Removes one person's lock; whether there was one.
    pub fn remove(&mut self, person: &str) -> bool {
        let before = self.locks.len();
        self.locks.retain(|l| l.person != person);
        self.locks.len() != before
    }

    /// Seals a new recovery code (replacing any earlier one) and returns it.
    pub fn new_recovery(&mut self, key: &DbKey, cost: Cost) -> Result<String> {
        let code = new_recovery_code();
        self.recovery = Some(Wrap::seal(key, &code, RECOVERY, cost)?);
        Ok(code)
    }

    /// The locks a person named `who` (a name, any case, or an id) may use; all of them
    /// when no one is named.
    pub fn candidates(&self, who: Option<&str>) -> Vec<&Lock> {
        match who.map(str::trim).filter(|w| !w.is_empty()) {
            None => self.locks.iter().collect(),
            Some(w) => {
                let w = w.to_lowercase();
                self.locks
                    .iter()
                    .filter(|l| l.person == w || l.name.to_lowercase() == w)
                    .collect()
            }
        }
    }

    /// Who `passphrase` unlocks as, and the key. Several persons opened by the same
    /// passphrase (they chose the same one) must be told apart by name.
    pub fn unlock(&self, who: Option<&str>, passphrase: &str) -> Result<Option<(Lock, DbKey)>> {
        let mut found: Vec<(Lock, DbKey)> = vec![];
        for lock in self.candidates(who) {
            if let Some(key) = lock.wrap.open(passphrase, &lock.person)? {
                found.push((lock.clone(), key));
            }
        }
        match found.len() {
            0 => Ok(None),
            1 => Ok(found.pop()),
            _ => Err(Error::PersonRequired(
                found.into_iter().map(|(l, _)| l.name).collect(),
            )),
        }
    }

    /// Keeps a wrong try (the newest hundred) for the next tries to wait on and the
    /// audit to list, and gives the error to answer with.
    pub fn wrong_try(&mut self, replica: &Path, now: i64) -> Error {
        self.failed.push(now);
        let excess = self.failed.len().saturating_sub(100);
        self.failed.drain(..excess);
        match self.write(replica) {
            Ok(()) => Error::WrongPassphrase,
            Err(e) => e,
        }
    }

    /// The key, if `code` is the recovery code.
    pub fn recover(&self, code: &str) -> Result<Option<DbKey>> {
        match &self.recovery {
            Some(w) => w.open(&normalise_code(code), RECOVERY),
            None => Ok(None),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_lock_opens_with_its_passphrase_only_and_only_for_its_person() {
        let key = DbKey::generate();
        let mut ring = Keyring::first(&key, "p1", "Inese", "inese's phrase", Cost::LIGHT).unwrap();
        ring.set(&key, "p2", "Jānis", "jāņa frāze", Cost::LIGHT)
            .unwrap();
        let (lock, k) = ring.unlock(None, "jāņa frāze").unwrap().unwrap();
        assert_eq!((lock.name.as_str(), &k), ("Jānis", &key));
        assert!(ring.unlock(Some("inese"), "jāņa frāze").unwrap().is_none());
        assert!(ring.unlock(None, "wrong").unwrap().is_none());
        // A wrap moved to another person's entry does not open as them.
        let mut forged = ring.clone();
        forged.locks[0].wrap = ring.locks[1].wrap.clone();
        assert!(forged
            .unlock(Some("Inese"), "jāņa frāze")
            .unwrap()
            .is_none());
        // Removing one person leaves the other's lock as it was.
        let before = ring.locks[0].clone();
        assert!(ring.remove("p2"));
        assert_eq!(ring.locks, vec![before]);
    }

    #[test]
    fn two_people_with_one_passphrase_must_say_who_they_are() {
        let key = DbKey::generate();
        let mut ring = Keyring::first(&key, "p1", "Inese", "same", Cost::LIGHT).unwrap();
        ring.set(&key, "p2", "Jānis", "same", Cost::LIGHT).unwrap();
        assert!(matches!(ring.unlock(None, "same"), Err(Error::PersonRequired(n)) if n.len() == 2));
        assert_eq!(
            ring.unlock(Some("JĀNIS"), "same")
                .unwrap()
                .unwrap()
                .0
                .person,
            "p2"
        );
    }

    #[test]
    fn the_recovery_code_opens_however_it_is_typed() {
        let key = DbKey::generate();
        let mut ring = Keyring::first(&key, "p1", "Inese", "x", Cost::LIGHT).unwrap();
        let code = ring.new_recovery(&key, Cost::LIGHT).unwrap();
        assert_eq!(code.len(), 35);
        let typed = code.to_lowercase().replace('-', " ");
        assert_eq!(ring.recover(&typed).unwrap(), Some(key));
        assert_eq!(ring.recover("AAAAA-AAAAA").unwrap(), None);
    }

    #[test]
    fn the_file_reads_back_and_a_damaged_one_is_refused() {
        let dir = tempfile::tempdir().unwrap();
        let replica = dir.path().join("replica.kopa");
        assert_eq!(Keyring::read(&replica).unwrap(), None);
        let key = DbKey::generate();
        let ring = Keyring::first(&key, "p1", "Inese", "x", Cost::LIGHT).unwrap();
        ring.write(&replica).unwrap();
        assert_eq!(Keyring::read(&replica).unwrap(), Some(ring));
        std::fs::write(path_of(&replica), b"{\"version\": 1, \"locks\": [").unwrap();
        assert!(matches!(Keyring::read(&replica), Err(Error::Corrupt(_))));
    }
}
