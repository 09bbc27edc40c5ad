//! The command-line grammar.

use crate::{CliError, Result};
use clap::{Args, Parser, Subcommand, ValueEnum};
use kopa_i18n::Lang;
use kopa_registry::{FamilyDraft, MemberDraft};
use std::path::PathBuf;

mod hq;
pub use hq::*;

/// Kopā: the family-support registry of a Red Cross branch, offline.
///
/// The passphrase comes from KOPA_PASSPHRASE, or is asked for. Exit codes: 0 ok,
/// 1 other error, 2 usage error, 3 validation error, 4 could not unlock (a wrong
/// passphrase, a removed person, two people sharing it: --user says who; wait),
/// 5 not found, 6 refused (a file exists, or the role does not allow it),
/// 7 sync refused (a damaged, foreign or tampered sync file; changes to records the
/// sender does not own), 8 the hub could not be reached or did not accept this replica,
/// 9 received and kept, but some changes wait for earlier ones not yet received.
#[derive(Parser, Debug)]
#[command(name = "kopa", version, propagate_version = true)]
pub struct Cli {
    /// The replica file (encrypted SQLite).
    #[arg(long, global = true, env = "KOPA_DB")]
    pub db: Option<PathBuf>,
    /// Print machine-readable JSON.
    #[arg(long, global = true)]
    pub json: bool,
    /// Language of messages: lv (default), ru, en.
    #[arg(long, global = true, env = "KOPA_LANG", default_value = "lv", value_parser = parse_lang)]
    pub lang: Lang,
    /// Who unlocks (a person given a passphrase on this replica); needed only when
    /// two people chose the same passphrase. With `init`, `join`: the first lead.
    #[arg(long, global = true, env = "KOPA_USER")]
    pub user: Option<String>,
    /// Unlock with the recovery code (KOPA_RECOVERY_CODE, else asked) instead of a
    /// passphrase: to reset the passphrase of someone who forgot theirs.
    #[arg(long, global = true)]
    pub recovery: bool,
    #[command(subcommand)]
    pub command: Command,
}

fn parse_lang(s: &str) -> std::result::Result<Lang, String> {
    s.parse()
}

#[derive(Subcommand, Debug)]
pub enum Command {
    /// Create a new replica at --db (refuses to overwrite).
    Init(InitArgs),
    /// Create a demo branch replica at --db, generated from a seed.
    Demo(DemoArgs),
    /// Show this replica's branch, device, user and totals.
    Info,
    /// Register, edit, list, show and search families.
    #[command(subcommand)]
    Family(FamilyCmd),
    /// Edit a registered person.
    #[command(subcommand)]
    Person(PersonCmd),
    /// Groups and enrolment.
    #[command(subcommand)]
    Group(GroupCmd),
    /// Sessions and attendance.
    #[command(subcommand)]
    Session(SessionCmd),
    /// Volunteers and staff.
    #[command(subcommand)]
    Volunteer(VolunteerCmd),
    /// Trainings of volunteers.
    #[command(subcommand)]
    Training(TrainingCmd),
    /// One-off events with head counts.
    #[command(subcommand)]
    Event(EventCmd),
    /// Fields changed on two devices, and picking a value.
    #[command(subcommand)]
    Conflicts(ConflictsCmd),
    /// The changes of a record: who, on which device, when, which fields.
    History { id: String },
    /// Merge every document of another replica file into this one.
    Merge {
        /// The other replica (its passphrase: KOPA_OTHER_PASSPHRASE, else the same).
        other: PathBuf,
    },
    /// The queryable projection of the documents.
    #[command(subcommand)]
    Projection(ProjectionCmd),
    /// The people who may unlock this replica, and their roles: list, add, role,
    /// reset, remove. A new passphrase comes from KOPA_NEW_PASSPHRASE, or is asked for.
    #[command(subcommand)]
    People(PeopleCmd),
    /// Make a new recovery code for the branch lead to keep on paper (shown once; the
    /// old one stops working).
    RecoveryCode,
    /// Sensitive actions, newest first: who erased, exported, restored… when.
    Audit {
        #[arg(long, default_value_t = 100)]
        limit: usize,
    },
    /// Donor projects (HQ reference data).
    #[command(subcommand)]
    Project(ProjectCmd),
    /// Indicators of a project (HQ reference data).
    #[command(subcommand)]
    Indicator(IndicatorCmd),
    /// Reference lists: municipalities (with renames) and activity types (HQ adds).
    #[command(subcommand)]
    List(ListCmd),
    /// Fields HQ adds to families, persons, groups, sessions and events.
    #[command(subcommand)]
    Field(FieldCmd),
    /// A project's indicators for a period, against targets, disaggregated.
    Report(ReportArgs),
    /// Write an encrypted backup (same passphrase): to --out FILE, or into --dir DIR
    /// with a dated name, keeping the newest --keep (default: the replica's setting, 14).
    /// With --if-due, only when the replica's schedule says one is due (for an hourly
    /// timer); the folder chosen in the app, if any, wins over --dir.
    Backup {
        #[arg(long, conflicts_with_all = ["dir", "if_due"])]
        out: Option<PathBuf>,
        #[arg(long)]
        dir: Option<PathBuf>,
        #[arg(long)]
        keep: Option<u32>,
        #[arg(long, requires = "dir")]
        if_due: bool,
    },
    /// Replace this replica's content with a backup of the same branch (checked first).
    Restore { file: PathBuf },
    /// At HQ: the same person registered by two branches.
    #[command(subcommand)]
    Duplicates(DuplicatesCmd),
    /// Bring an existing participant list (CSV or XLSX) into the registry.
    Import(ImportArgs),
    /// Sync with the hub (no subcommand); sync files for a USB stick or e-mail.
    Sync(SyncArgs),
    /// Turn a new replica at --db into the branch (or HQ device) an invite names.
    Join {
        /// The invite file from `kopa hub enrol`.
        invite: PathBuf,
        /// This computer's name, as others will see it.
        #[arg(long)]
        device: Option<String>,
        /// Do not sync with the hub right away.
        #[arg(long)]
        offline: bool,
    },
    /// The hub HQ runs: init, serve, enrol branches, revoke, status.
    #[command(subcommand)]
    Hub(HubCmd),
}

#[derive(Args, Debug)]
#[command(args_conflicts_with_subcommands = true)]
pub struct SyncArgs {
    #[command(subcommand)]
    pub cmd: Option<SyncCmd>,
}

#[derive(Subcommand, Debug)]
pub enum HubCmd {
    /// Create a hub: HQ's store and keys, and a self-signed TLS certificate.
    Init {
        #[arg(long)]
        data: PathBuf,
        /// The organisation's name (HQ).
        #[arg(long, default_value = "Latvijas Sarkanais Krusts")]
        name: String,
        #[arg(long, default_value = "Rīga")]
        municipality: String,
        /// How branches reach the hub: https://HOST:PORT (HOST goes into the certificate).
        #[arg(long, default_value = "https://127.0.0.1:7443")]
        address: String,
    },
    /// Serve until stopped (Ctrl-C).
    Serve {
        #[arg(long)]
        data: PathBuf,
        /// Address to listen on. By default the port of the address given at init, on
        /// this computer only when that address is this computer, else on every interface.
        #[arg(long)]
        listen: Option<std::net::SocketAddr>,
    },
    /// Write an invite for a new device of a branch (registered if new) or of HQ.
    Enrol {
        #[arg(long)]
        data: PathBuf,
        /// The branch's name or id (ignored with --role hq).
        #[arg(long, default_value = "")]
        branch: String,
        #[arg(long, value_enum, default_value = "branch")]
        role: RoleArg,
        /// A new branch's municipality; by default its name (most branches are named
        /// after their municipality).
        #[arg(long)]
        municipality: Option<String>,
        /// The hub address to put in the invite, if not the one given at init.
        #[arg(long)]
        address: Option<String>,
        #[arg(long)]
        out: PathBuf,
    },
    /// Revoke every credential of a branch (name or id), or one credential by id.
    Revoke {
        #[arg(long)]
        data: PathBuf,
        #[arg(long)]
        branch: String,
    },
    /// Branches, when each last synced, and the credentials handed out.
    Status {
        #[arg(long)]
        data: PathBuf,
    },
}

#[derive(Subcommand, Debug)]
pub enum DuplicatesCmd {
    /// Candidate pairs across branches, best first, with a score (0–100).
    List {
        #[arg(long, default_value_t = 60)]
        min_score: u32,
    },
    /// Record that two persons are one (reports count them once); syncs to branches.
    Merge { a: String, b: String },
    /// Undo a merge decision.
    Undo { link: String },
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum ImportKind {
    /// One row per person; rows of one household form a family.
    Families,
    /// Who came to which session of one group (--group): a grid with a column per
    /// date, or one row per attendance with a date column.
    Attendance,
    /// One row per volunteer, or per training of one (date, topic, hours).
    Volunteers,
}

#[derive(Args, Debug)]
pub struct ImportArgs {
    pub file: PathBuf,
    #[arg(long, value_enum, default_value = "families")]
    pub kind: ImportKind,
    /// JSON {"Column header": "field"}; fields: household, given_name, family_name,
    /// birth_year, gender, role, municipality, languages, target_groups, contact, consent.
    /// Without it, Latvian, Russian and English headers are recognised.
    #[arg(long)]
    pub mapping: Option<PathBuf>,
    /// The group an attendance list belongs to.
    #[arg(long)]
    pub group: Option<String>,
    /// Check and preview only.
    #[arg(long)]
    pub dry_run: bool,
    /// Import the valid rows even though some rows are invalid.
    #[arg(long)]
    pub skip_bad_rows: bool,
}

#[derive(Subcommand, Debug)]
pub enum SyncCmd {
    /// Print (or write) this replica's identity card: public keys for its peers.
    Identity {
        #[arg(long)]
        out: Option<PathBuf>,
    },
    /// Trust a peer from its identity card.
    #[command(subcommand)]
    Peer(PeerCmd),
    /// Write what a peer's devices have not acknowledged, signed and encrypted to
    /// each of them.
    Export {
        /// `hq`, or a branch's name or id.
        #[arg(long)]
        to: String,
        #[arg(long)]
        out: PathBuf,
        /// Everything the peer may receive, whatever its devices acknowledged (for a
        /// device restored from an old backup, or changes that wait on its side).
        #[arg(long)]
        full: bool,
    },
    /// Verify and apply a sync file (importing it twice equals once).
    Import { file: PathBuf },
    /// Per device of each peer: last files each way, what it acknowledged and what it
    /// has not; the hub by network; and changes here waiting for earlier ones.
    Status,
}

#[derive(Subcommand, Debug)]
pub enum PeerCmd {
    Add { card: PathBuf },
}

#[derive(Clone, Copy, Debug, ValueEnum)]
pub enum RoleArg {
    Branch,
    Hq,
}

impl From<RoleArg> for kopa_domain::Role {
    fn from(r: RoleArg) -> Self {
        match r {
            RoleArg::Branch => kopa_domain::Role::Branch,
            RoleArg::Hq => kopa_domain::Role::Hq,
        }
    }
}

#[derive(Subcommand, Debug)]
pub enum PeopleCmd {
    /// Everyone of the branch, with role and whether they unlock this laptop.
    List,
    /// Give someone a passphrase on this laptop, in a role (volunteer, lead;
    /// coordinator at HQ). Someone the branch already has keeps their account.
    Add {
        name: String,
        #[arg(long, default_value = "volunteer")]
        role: String,
    },
    /// Change what someone may do (on every laptop of the branch, as it syncs).
    Role { name: String, role: String },
    /// Set a new passphrase for someone who forgot theirs.
    Reset { name: String },
    /// Remove someone: they can no longer unlock this laptop, nor the others once
    /// they sync.
    Remove { name: String },
}

#[derive(Args, Debug)]
pub struct InitArgs {
    /// The branch's name, e.g. "Daugavpils".
    #[arg(long)]
    pub branch: Option<String>,
    /// The branch's municipality, e.g. "Krāslava" (diacritics optional).
    #[arg(long)]
    pub municipality: Option<String>,
    #[arg(long, value_enum, default_value = "branch")]
    pub role: RoleArg,
    /// This device's name (default: the host name).
    #[arg(long)]
    pub device: Option<String>,
    /// Make a second device of the branch of this existing replica file.
    #[arg(long, conflicts_with_all = ["branch", "municipality"])]
    pub device_of: Option<PathBuf>,
}

#[derive(Args, Debug)]
pub struct DemoArgs {
    #[arg(long, default_value_t = 1)]
    pub seed: u64,
    #[arg(long, default_value_t = 60)]
    pub families: usize,
    #[arg(long, default_value_t = 52)]
    pub weeks: usize,
}

#[derive(Subcommand, Debug)]
pub enum FamilyCmd {
    /// Register a family.
    Add(FamilyArgs),
    /// Change only the fields given; --member adds a member.
    Edit {
        id: String,
        #[command(flatten)]
        fields: FamilyArgs,
    },
    List,
    Show {
        id: String,
    },
    /// Search names ignoring case, diacritics, script (Иванов = Ivanovs) and one typo.
    Search {
        #[arg(required = true)]
        query: Vec<String>,
        #[arg(long, default_value_t = 20)]
        limit: usize,
    },
    /// Add a note to a family.
    Note {
        id: String,
        text: String,
        #[arg(long)]
        date: Option<String>,
    },
    /// Everything held about a family (subject access request), as JSON or PDF.
    Export {
        id: String,
        #[arg(long)]
        out: PathBuf,
        /// json or pdf; by default from the --out file's extension (.pdf), else json.
        #[arg(long, value_enum)]
        format: Option<ExportFormat>,
    },
    /// Erase a family at its request: its personal data goes from every replica as
    /// the erasure syncs, history included; attendance stays as anonymous counts.
    Erase {
        id: String,
    },
    /// Erase one member of a family at their request. The rest of the household moves
    /// to a new family record (printed) without the member and without the old
    /// history, which goes as a whole family's does. Attendance stays as anonymous counts.
    ErasePerson {
        person: String,
    },
    /// Closed families with no activity for the retention period (5 years unless set
    /// with --set-years), or since --before DATE: due for erasure.
    RetentionDue {
        #[arg(long)]
        before: Option<String>,
        /// Set the retention period of this replica, in years (default 5), first.
        #[arg(long)]
        set_years: Option<u32>,
    },
    /// Add a follow-up to a family.
    FollowUp {
        id: String,
        #[arg(long)]
        due: String,
        text: String,
    },
}

#[derive(Args, Debug)]
pub struct FamilyArgs {
    #[arg(long)]
    pub name: Option<String>,
    #[arg(long)]
    pub municipality: Option<String>,
    /// Language code (lv, ru, ltg, be, uk…); repeat for several.
    #[arg(long = "language")]
    pub languages: Vec<String>,
    /// child, youth, senior, young-family, low-income, minority, non-citizen, refugee, disability.
    #[arg(long = "target-group")]
    pub target_groups: Vec<String>,
    /// A member: "GIVEN;FAMILY;BIRTH_YEAR;GENDER;ROLE" (gender female|male|other, role parent|child|grandparent|guardian|partner|other).
    #[arg(long = "member")]
    pub members: Vec<String>,
    /// Date consent was given, YYYY-MM-DD.
    #[arg(long)]
    pub consent: Option<String>,
    /// What the consent covers.
    #[arg(long)]
    pub consent_scope: Option<String>,
    #[arg(long)]
    pub contact: Option<String>,
    /// active or closed.
    #[arg(long)]
    pub status: Option<String>,
    /// A field HQ defined, CODE=VALUE (a choice as its code or label); repeat.
    #[arg(long = "field")]
    pub fields: Vec<String>,
}

impl FamilyArgs {
    pub fn draft(&self, edit: bool) -> Result<FamilyDraft> {
        let mut members = vec![];
        for (i, m) in self.members.iter().enumerate() {
            members.push(
                member_spec(&format!("member[{}]", i + 1), m)
                    .map_err(|e| CliError::from(kopa_registry::Error::from(e)))?,
            );
        }
        let list = |v: &Vec<String>| (!v.is_empty() || !edit).then(|| v.clone());
        Ok(FamilyDraft {
            name: self.name.clone(),
            municipality: self.municipality.clone(),
            languages: list(&self.languages),
            target_groups: list(&self.target_groups),
            contact: self.contact.clone(),
            status: self.status.clone(),
            members,
            consent: self.consent.clone(),
            consent_scope: self.consent_scope.clone(),
            fields: field_args(&self.fields)?,
        })
    }
}

#[derive(Subcommand, Debug)]
pub enum PersonCmd {
    /// Change only the fields given.
    Edit {
        id: String,
        #[arg(long)]
        given_name: Option<String>,
        #[arg(long)]
        family_name: Option<String>,
        #[arg(long)]
        birth_year: Option<String>,
        #[arg(long)]
        gender: Option<String>,
        #[arg(long)]
        role: Option<String>,
        /// A person field HQ defined, CODE=VALUE; repeat.
        #[arg(long = "field")]
        fields: Vec<String>,
    },
}

#[derive(Subcommand, Debug)]
pub enum GroupCmd {
    Add(GroupArgs),
    /// Enrol persons (ids) in a group.
    Enrol {
        group: String,
        #[arg(required = true)]
        persons: Vec<String>,
    },
    List,
    Show {
        id: String,
    },
}

#[derive(Args, Debug)]
pub struct GroupArgs {
    #[arg(long)]
    pub name: String,
    /// family-support, senior-club, language-history, youth-sports, book-club, handicraft,
    /// learning-club, young-parents, civic-participation, healthy-lifestyle, intergenerational.
    #[arg(long)]
    pub activity: String,
    #[arg(long)]
    pub municipality: Option<String>,
    /// A facilitating volunteer's id; repeat for several.
    #[arg(long)]
    pub facilitator: Vec<String>,
    /// Usual weekday, 1 = Monday … 7 = Sunday.
    #[arg(long)]
    pub weekday: Option<String>,
    /// Usual start time, HH:MM.
    #[arg(long)]
    pub time: Option<String>,
    #[arg(long)]
    pub place: Option<String>,
    #[arg(long)]
    pub start: Option<String>,
    #[arg(long)]
    pub end: Option<String>,
    /// A field HQ defined, CODE=VALUE (a choice as its code or label); repeat.
    #[arg(long = "field")]
    pub fields: Vec<String>,
}

#[derive(Subcommand, Debug)]
pub enum SessionCmd {
    /// Record a session and who came.
    Record(Box<SessionArgs>),
    /// Mark persons present (or --absent) at a session.
    Mark {
        session: String,
        #[arg(required = true)]
        persons: Vec<String>,
        #[arg(long)]
        absent: bool,
    },
    /// Replace a session's note.
    Note {
        session: String,
        text: String,
    },
    /// Sessions between two dates (default: the last 30 days).
    List {
        #[arg(long)]
        from: Option<String>,
        #[arg(long)]
        to: Option<String>,
    },
    Show {
        id: String,
    },
}

#[derive(Args, Debug)]
pub struct SessionArgs {
    #[arg(long)]
    pub group: String,
    #[arg(long)]
    pub date: String,
    #[arg(long)]
    pub time: Option<String>,
    #[arg(long)]
    pub minutes: Option<String>,
    #[arg(long)]
    pub place: Option<String>,
    #[arg(long)]
    pub topics: Option<String>,
    /// A person present (id); repeat.
    #[arg(long)]
    pub attended: Vec<String>,
    /// Unregistered guests, CATEGORY=N (adult, child, senior, volunteer, other); repeat.
    #[arg(long)]
    pub guests: Vec<String>,
    #[arg(long)]
    pub facilitator: Vec<String>,
    #[arg(long)]
    pub note: Option<String>,
    /// A field HQ defined, CODE=VALUE (a choice as its code or label); repeat.
    #[arg(long = "field")]
    pub fields: Vec<String>,
    /// A second session of the group on a date that already has one (two meetings
    /// that day); without it the second is refused.
    #[arg(long)]
    pub another: bool,
}

#[derive(Subcommand, Debug)]
pub enum VolunteerCmd {
    Add {
        #[arg(long)]
        given_name: String,
        #[arg(long)]
        family_name: String,
        /// volunteer, staff or lead.
        #[arg(long)]
        role: Option<String>,
        #[arg(long)]
        contact: Option<String>,
    },
    List,
}

#[derive(Subcommand, Debug)]
pub enum TrainingCmd {
    Record {
        #[arg(long)]
        volunteer: String,
        #[arg(long)]
        date: String,
        #[arg(long)]
        topic: String,
        /// Hours, e.g. 2 or 1.5.
        #[arg(long)]
        hours: String,
    },
    List {
        volunteer: String,
    },
}

#[derive(Subcommand, Debug)]
pub enum EventCmd {
    Add {
        #[arg(long)]
        name: String,
        #[arg(long)]
        activity: String,
        #[arg(long)]
        date: String,
        #[arg(long)]
        municipality: Option<String>,
        /// Head count CATEGORY=N (participants, spectators…); repeat.
        #[arg(long)]
        count: Vec<String>,
        /// A registered person who took part (id); repeat.
        #[arg(long)]
        participant: Vec<String>,
        /// An event field HQ defined, CODE=VALUE; repeat.
        #[arg(long = "field")]
        fields: Vec<String>,
    },
}

#[derive(Subcommand, Debug)]
pub enum ConflictsCmd {
    List,
    /// Keep value number N of a conflict.
    Resolve {
        id: String,
        #[arg(long)]
        pick: usize,
    },
}

#[derive(Subcommand, Debug)]
pub enum ProjectionCmd {
    /// Rebuild the tables from the documents; --verify only compares.
    Rebuild {
        #[arg(long)]
        verify: bool,
    },
}

/// A member as typed on the command line, `GIVEN;FAMILY;BIRTH_YEAR;GENDER;ROLE`
/// (trailing parts may be left out); fewer than two parts or more than five is
/// `invalid-member` on `field`.
pub fn member_spec(
    field: &str,
    spec: &str,
) -> std::result::Result<MemberDraft, kopa_domain::ValidationError> {
    let parts: Vec<&str> = spec.split(';').map(str::trim).collect();
    if parts.len() < 2 || parts.len() > 5 {
        return Err(
            kopa_domain::ValidationError::new(field, kopa_domain::Code::InvalidMember)
                .with_value(spec),
        );
    }
    let part = |i: usize| parts.get(i).copied().unwrap_or("").to_string();
    Ok(MemberDraft {
        given_name: part(0),
        family_name: part(1),
        birth_year: part(2),
        gender: part(3),
        role: part(4),
        fields: Default::default(),
    })
}

/// `--field CODE=VALUE` arguments; one without `=` is `invalid-param` on `field[i]`.
pub fn field_args(args: &[String]) -> Result<std::collections::BTreeMap<String, String>> {
    args.iter()
        .enumerate()
        .map(|(i, arg)| {
            let (code, value) = arg.split_once('=').ok_or_else(|| {
                let e = kopa_domain::ValidationError::new(
                    format!("field[{}]", i + 1),
                    kopa_domain::Code::InvalidParam,
                )
                .with_value(arg);
                CliError::from(kopa_registry::Error::from(e))
            })?;
            Ok((code.trim().to_string(), value.to_string()))
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_member_spec_splits_into_its_fields() {
        let m = member_spec("member[1]", " Anna ; Ivanova;1984;f;parent").unwrap();
        assert_eq!(
            (
                m.given_name.as_str(),
                m.family_name.as_str(),
                m.birth_year.as_str()
            ),
            ("Anna", "Ivanova", "1984")
        );
        assert_eq!(member_spec("member[1]", "Anna;Ivanova").unwrap().role, "");
        let e = member_spec("member[2]", "Anna").unwrap_err();
        assert_eq!(
            (e.field.as_str(), e.code),
            ("member[2]", kopa_domain::Code::InvalidMember)
        );
        assert!(member_spec("member[1]", "a;b;c;d;e;f").is_err());
    }
}
