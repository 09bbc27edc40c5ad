//! Encrypted local backups kept in a folder: dated copies of the replica, made on
//! demand or on the replica's own schedule, the oldest deleted beyond a count.
//!
//! A backup is the whole SQLCipher file under the replica's key, checked to open
//! before it takes its dated name (`kopa-backup-2026-11-23T15-45-38.123Z.kopa`), with
//! a copy of the keyring beside it (`….kopa.keys`): on a new laptop, the two together
//! open with any passphrase that opened the replica then, or the recovery code.
//! The schedule is kept in the replica's settings, so the CLI (cron, systemd timer)
//! and the desktop app (at unlock and while open) follow the same one.

use super::Registry;
use crate::error::{Error, Result};
use crate::store;
use kopa_domain::validate as v;
use kopa_domain::{Action, AuditAction, Code, Timestamp, ValidationError};
use rusqlite::Connection;
use serde::{Deserialize, Serialize};
use std::path::{Path, PathBuf};

const EVERY: &str = "backup_every_hours";
const KEEP: &str = "backup_keep";
const DIR: &str = "backup_dir";
/// A day between automatic backups unless set.
pub const DEFAULT_BACKUP_EVERY_HOURS: u32 = 24;
/// Two weeks of daily backups unless set.
pub const DEFAULT_BACKUP_KEEP: u32 = 14;
const PREFIX: &str = "kopa-backup-";
const SUFFIX: &str = ".kopa";
const HOUR_MS: i64 = 3_600_000;

/// When and where automatic backups are made.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct BackupPolicy {
    /// Hours between automatic backups (1–720); 0 turns them off.
    pub every_hours: u32,
    /// How many dated backups the folder keeps (1–365); older ones are deleted.
    pub keep: u32,
    /// The chosen folder (a USB stick, a network share); none means the default.
    pub dir: Option<String>,
}

/// What the settings screen shows about backups.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct BackupStatus {
    pub policy: BackupPolicy,
    /// The folder backups go to now.
    pub dir: String,
    /// The newest dated backup in that folder (RFC 3339), if any.
    pub last: Option<String>,
    /// How many dated backups the folder holds.
    pub count: u32,
    /// When the next automatic backup is due (RFC 3339); none when they are off.
    pub next_due: Option<String>,
}

/// A dated backup found in a folder.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DatedBackup {
    pub at: Timestamp,
    pub path: PathBuf,
}

/// The dated backups in `dir`, oldest first. Files whose name is not a backup's are
/// left out (and so never deleted); a missing folder holds none.
pub fn dated_backups(dir: &Path) -> std::io::Result<Vec<DatedBackup>> {
    let entries = match std::fs::read_dir(dir) {
        Ok(e) => e,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(vec![]),
        Err(e) => return Err(e),
    };
    let mut out: Vec<DatedBackup> = entries
        .filter_map(|e| e.ok())
        .filter_map(|e| {
            let path = e.path();
            let at = parse_stamp(path.file_name()?.to_str()?)?;
            Some(DatedBackup { at, path })
        })
        .collect();
    out.sort_by(|a, b| a.at.cmp(&b.at).then_with(|| a.path.cmp(&b.path)));
    Ok(out)
}

/// Deletes all but the newest `keep` dated backups in `dir` (at least one stays).
pub fn prune_backups(dir: &Path, keep: u32) -> std::io::Result<usize> {
    let all = dated_backups(dir)?;
    let excess = all.len().saturating_sub(keep.max(1) as usize);
    for b in &all[..excess] {
        std::fs::remove_file(&b.path)?;
        match std::fs::remove_file(crate::keyring::path_of(&b.path)) {
            Err(e) if e.kind() != std::io::ErrorKind::NotFound => return Err(e),
            _ => {}
        }
    }
    Ok(excess)
}

/// `kopa-backup-2026-11-23T15-45-38.123Z.kopa`: fixed width, so names sort by time,
/// and no `:` (not allowed in file names on every system).
fn file_name(at: Timestamp) -> String {
    let t = time::OffsetDateTime::from_unix_timestamp_nanos(i128::from(at.0) * 1_000_000)
        .unwrap_or(time::OffsetDateTime::UNIX_EPOCH);
    format!(
        "{PREFIX}{:04}-{:02}-{:02}T{:02}-{:02}-{:02}.{:03}Z{SUFFIX}",
        t.year(),
        u8::from(t.month()),
        t.day(),
        t.hour(),
        t.minute(),
        t.second(),
        t.millisecond()
    )
}

fn parse_stamp(name: &str) -> Option<Timestamp> {
    let stamp = name.strip_prefix(PREFIX)?.strip_suffix(SUFFIX)?;
    let (date, clock) = stamp.split_once('T')?;
    let text = format!("{date}T{}", clock.replace('-', ":"));
    let t =
        time::OffsetDateTime::parse(&text, &time::format_description::well_known::Rfc3339).ok()?;
    Some(Timestamp((t.unix_timestamp_nanos() / 1_000_000) as i64))
}

const EVERY_RANGE: std::ops::RangeInclusive<i64> = 0..=720;
const KEEP_RANGE: std::ops::RangeInclusive<i64> = 1..=365;

impl BackupPolicy {
    /// The schedule as typed in a form: whole numbers in range, an empty folder for
    /// the default.
    pub fn parse(every_hours: &str, keep: &str, dir: &str) -> Result<BackupPolicy> {
        Ok(BackupPolicy {
            every_hours: v::number("every_hours", every_hours, EVERY_RANGE)? as u32,
            keep: v::number("keep", keep, KEEP_RANGE)? as u32,
            dir: Some(dir.trim().to_string()).filter(|d| !d.is_empty()),
        })
    }
}

fn range(field: &str, value: u32, ok: std::ops::RangeInclusive<i64>) -> Result<u32> {
    if ok.contains(&i64::from(value)) {
        Ok(value)
    } else {
        Err(ValidationError::new(field, Code::NumberRange)
            .with_value(value.to_string())
            .into())
    }
}

impl Registry {
    /// Writes an encrypted copy of the whole replica to `dest` (refuses to overwrite),
    /// consistent even while the replica is in use, checks it opens, and puts a copy
    /// of the keyring beside it. A lead's (or HQ's) action.
    pub fn backup(&mut self, dest: &Path) -> Result<()> {
        self.allow(Action::Backup)?;
        self.write_backup(dest)?;
        self.audit(AuditAction::Backup, &[])
    }

    fn write_backup(&self, dest: &Path) -> Result<()> {
        if dest.exists() {
            return Err(Error::AlreadyExists(dest.display().to_string()));
        }
        let key = self.key.sqlcipher();
        let partial = dest.with_extension("partial");
        let _ = std::fs::remove_file(&partial);
        {
            let mut out = Connection::open(&partial)?;
            out.pragma_update(None, "key", &key)?;
            let b = rusqlite::backup::Backup::new(self.db(), &mut out)?;
            b.run_to_completion(256, std::time::Duration::from_millis(0), None)?;
        }
        check_copy(&partial, &key)?;
        if let Some(ring) = crate::keyring::Keyring::read(&self.path)? {
            let ring = crate::keyring::Keyring {
                failed: vec![],
                ..ring
            };
            ring.write(dest)?;
        }
        std::fs::rename(&partial, dest)?;
        Ok(())
    }

    /// Replaces this replica's content with a backup's, after checking the backup
    /// opens (under this replica's key, or, for a backup made before personal unlock,
    /// under `passphrase`), passes the integrity check and is of the same branch.
    pub fn restore(&mut self, src: &Path, passphrase: &str) -> Result<()> {
        self.allow(Action::Restore)?;
        let backup = match check_copy(src, &self.key.sqlcipher()) {
            Err(Error::WrongPassphrase) => check_copy(src, passphrase)?,
            other => other?,
        };
        let branch = store::get_meta(&backup, "branch_id")?;
        if branch.as_deref() != Some(self.me().branch.key().as_str()) {
            return Err(Error::NotAllowed {
                role: self.me().role.as_str().into(),
                action: "restore another branch's backup",
            });
        }
        self.replace_content(&backup)?;
        // Who restored stays on record, whatever the backup's audit held.
        self.audit(AuditAction::Restore, &[])
    }

    /// The replica's backup schedule: daily, keeping 14, unless set.
    pub fn backup_policy(&self) -> Result<BackupPolicy> {
        let number = |key, default| -> Result<u32> {
            Ok(self
                .setting(key)?
                .and_then(|v| v.parse().ok())
                .unwrap_or(default))
        };
        Ok(BackupPolicy {
            every_hours: number(EVERY, DEFAULT_BACKUP_EVERY_HOURS)?,
            keep: number(KEEP, DEFAULT_BACKUP_KEEP)?,
            dir: self.setting(DIR)?.filter(|d| !d.is_empty()),
        })
    }

    /// Sets the schedule after checking it: 0–720 hours (0 is off), keep 1–365, and a
    /// chosen folder must be an existing folder.
    pub fn set_backup_policy(&mut self, policy: &BackupPolicy) -> Result<()> {
        self.allow(Action::Backup)?;
        let every = range("every_hours", policy.every_hours, EVERY_RANGE)?;
        let keep = range("keep", policy.keep, KEEP_RANGE)?;
        let dir = policy.dir.as_deref().map(str::trim).unwrap_or("");
        if !dir.is_empty() && !Path::new(dir).is_dir() {
            return Err(ValidationError::new("dir", Code::NoSuchFolder)
                .with_value(dir)
                .into());
        }
        self.set_setting(EVERY, &every.to_string())?;
        self.set_setting(KEEP, &keep.to_string())?;
        self.set_setting(DIR, dir)
    }

    /// Where backups go: the chosen folder, else `default`.
    pub fn backup_dir(&self, default: &Path) -> Result<PathBuf> {
        Ok(self
            .backup_policy()?
            .dir
            .map(PathBuf::from)
            .unwrap_or_else(|| default.to_path_buf()))
    }

    /// Writes a dated, checked backup into `dir` (made if missing) and deletes all but
    /// the newest `keep`. Returns the new file.
    pub fn backup_into(&mut self, dir: &Path, keep: u32) -> Result<PathBuf> {
        self.allow(Action::Backup)?;
        let path = self.dated_backup(dir, keep)?;
        self.audit(AuditAction::Backup, &[])?;
        Ok(path)
    }

    fn dated_backup(&self, dir: &Path, keep: u32) -> Result<PathBuf> {
        std::fs::create_dir_all(dir)?;
        let path = dir.join(file_name(self.now()));
        self.write_backup(&path)?;
        prune_backups(dir, keep)?;
        Ok(path)
    }

    /// Makes a backup when the schedule says one is due: automatic backups are on and
    /// the newest in the folder is older than the interval (or there is none). The
    /// lead's schedule, followed whoever is working (so not audited as theirs).
    pub fn backup_if_due(&self, default_dir: &Path) -> Result<Option<PathBuf>> {
        let policy = self.backup_policy()?;
        let dir = self.backup_dir(default_dir)?;
        match self.next_due(&policy, &dir)? {
            Some(due) if due <= self.now() => Ok(Some(self.dated_backup(&dir, policy.keep)?)),
            _ => Ok(None),
        }
    }

    /// The schedule, the folder, and what it holds.
    pub fn backup_status(&self, default_dir: &Path) -> Result<BackupStatus> {
        let policy = self.backup_policy()?;
        let dir = self.backup_dir(default_dir)?;
        let all = dated_backups(&dir)?;
        Ok(BackupStatus {
            next_due: self.next_due(&policy, &dir)?.map(Timestamp::to_rfc3339),
            dir: dir.display().to_string(),
            last: all.last().map(|b| b.at.to_rfc3339()),
            count: all.len() as u32,
            policy,
        })
    }

    fn next_due(&self, policy: &BackupPolicy, dir: &Path) -> Result<Option<Timestamp>> {
        if policy.every_hours == 0 {
            return Ok(None);
        }
        Ok(Some(match dated_backups(dir)?.last() {
            Some(b) => Timestamp(b.at.0 + i64::from(policy.every_hours) * HOUR_MS),
            None => self.now(),
        }))
    }
}

/// Opens a backup copy and proves it whole: the passphrase works, SQLite's integrity
/// check passes, and it is a Kopā replica.
fn check_copy(path: &Path, passphrase: &str) -> Result<Connection> {
    let conn = store::open(path, passphrase, false)?;
    let ok: String = conn.query_row("PRAGMA integrity_check", [], |r| r.get(0))?;
    if ok != "ok" {
        return Err(Error::Corrupt(format!("backup integrity check: {ok}")));
    }
    Ok(conn)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_file_name_reads_back_as_its_time_and_names_sort_by_time() {
        let a = Timestamp(1_795_448_738_123);
        let b = Timestamp(1_795_448_739_000);
        assert_eq!(parse_stamp(&file_name(a)), Some(a));
        assert_eq!(parse_stamp(&file_name(b)), Some(b));
        assert!(file_name(a) < file_name(b));
        assert_eq!(
            file_name(Timestamp(0)),
            "kopa-backup-1970-01-01T00-00-00.000Z.kopa"
        );
        // The earlier CLI's names, without milliseconds, still read.
        assert_eq!(
            parse_stamp("kopa-backup-2026-11-23T15-45-38Z.kopa"),
            Some(Timestamp(1_795_448_738_000))
        );
        assert_eq!(parse_stamp("kopa-backup-notes.kopa"), None);
        assert_eq!(parse_stamp("replica.kopa"), None);
    }
}
