//! The desktop shell: thin Tauri commands over the registry's application services.
//!
//! The commands are declared once, in `commands.rs`; each is a function here taking
//! the [`Cx`] and its arguments. It takes the open replica from the app state, calls
//! one service, and maps its error to a [`contract::CommandError`] (a typed code the
//! UI translates). No business rule lives here: validation, search, reports and sync
//! are the core's.

pub mod contract;

/// Expands the list in `commands.rs`: a `#[tauri::command]` wrapper per command that
/// calls the function of the same name here (so a signature in the list that does not
/// match the function fails to build), the handler, and the signatures the TypeScript
/// generator reads. `build.rs` expands the same list its own way.
macro_rules! commands {
    ($($name:ident($($arg:ident: $ty:ty),* $(,)?) -> $ret:ty;)*) => {
        mod invoke {
            use super::*;
            $(
                #[tauri::command]
                async fn $name(
                    app: tauri::AppHandle,
                    state: State<'_, AppState>,
                    $($arg: $ty),*
                ) -> Res<$ret> {
                    super::$name(&Cx { app: &app, state: &state }, $($arg),*)
                }
            )*

            pub(super) fn handler() -> impl Fn(tauri::ipc::Invoke) -> bool + Send + Sync + 'static {
                tauri::generate_handler![$($name),*]
            }
        }

        /// Every command's signature, in the order of `commands.rs`.
        pub fn commands() -> Vec<contract::Signature> {
            use ts_rs::TS;
            vec![$(contract::Signature {
                name: stringify!($name),
                args: vec![$((stringify!($arg), <$ty as TS>::name())),*],
                returns: <$ret as TS>::name(),
            }),*]
        }
    };
}

include!("commands.rs");

/// What a command gets besides its arguments: the app state (through `Deref`) and the
/// app handle, for events.
pub struct Cx<'a> {
    app: &'a tauri::AppHandle,
    state: &'a AppState,
}

impl Cx<'_> {
    /// The replica is open: the person works on at once, and a backup due is made
    /// in the background.
    fn opened(&self, reg: Registry) -> Identity {
        let id = self.set(reg);
        let handle = self.app.clone();
        std::thread::spawn(move || handle.state::<AppState>().backup_if_due());
        id
    }
}

impl std::ops::Deref for Cx<'_> {
    type Target = AppState;
    fn deref(&self) -> &AppState {
        self.state
    }
}

use contract::*;
use kopa_domain::reference;
use kopa_domain::{FamilyId, GroupId};
use kopa_registry::views::*;
use kopa_registry::*;
use std::path::{Path, PathBuf};
use std::sync::Mutex;
use tauri::{Emitter, Manager, State};

type Res<T> = Result<T, CommandError>;

/// Where the replica lives and, once unlocked, the replica itself.
pub struct AppState {
    dir: PathBuf,
    open: Mutex<Option<Open>>,
    /// Why the last automatic backup failed (a folder on a USB stick that is not
    /// plugged in, a full disk), until one succeeds.
    backup_error: Mutex<Option<CommandError>>,
}

struct Open {
    reg: Registry,
    /// The demo branch (its own file, generated people), not the branch's replica.
    demo: bool,
}

const REPLICA: &str = "replica.kopa";
/// The demo branch lives beside the replica, never in its place: trying the demo
/// leaves creating or joining the real branch open, and the real branch leaves the
/// demo reachable.
const DEMO: &str = "demo.kopa";
/// The demo branch's passphrase: it holds generated people only.
pub const DEMO_PASSPHRASE: &str = "demo";

impl AppState {
    pub fn new(dir: PathBuf) -> Self {
        AppState {
            dir,
            open: Mutex::new(None),
            backup_error: Mutex::new(None),
        }
    }

    fn path(&self) -> PathBuf {
        self.dir.join(REPLICA)
    }

    /// Where automatic backups go unless another folder is chosen.
    fn default_backups(&self) -> PathBuf {
        self.dir.join("backups")
    }

    /// Makes a backup if the replica's schedule says one is due. Called after unlock
    /// and every few minutes while the app runs, on a thread of its own and through a
    /// connection of its own, so the person keeps working while it copies; a failure
    /// is kept for the settings screen and never stops the work in hand.
    pub fn backup_if_due(&self) -> Option<PathBuf> {
        let other = {
            let guard = self.open.lock().unwrap_or_else(|p| p.into_inner());
            let open = guard.as_ref().filter(|o| !o.demo)?;
            open.reg.reopen(Env::system())
        };
        let done = other.and_then(|r| r.backup_if_due(&self.default_backups()));
        let mut error = self.backup_error.lock().unwrap_or_else(|p| p.into_inner());
        match done {
            Ok(path) => {
                *error = None;
                path
            }
            Err(e) => {
                *error = Some(e.into());
                None
            }
        }
    }

    fn with<T>(&self, f: impl FnOnce(&mut Registry) -> Result<T>) -> Res<T> {
        let mut guard = self.open.lock().unwrap_or_else(|p| p.into_inner());
        let open = guard
            .as_mut()
            .ok_or_else(|| CommandError::new(ErrorCode::Locked, "the replica is locked"))?;
        Ok(f(&mut open.reg)?)
    }

    fn set(&self, reg: Registry) -> Identity {
        self.put(reg, false)
    }

    fn put(&self, reg: Registry, demo: bool) -> Identity {
        let id = reg.identity();
        *self.open.lock().unwrap_or_else(|p| p.into_inner()) = Some(Open { reg, demo });
        id
    }

    /// Opens the demo branch (generated people) from its own file, making it the
    /// first time. It asks no passphrase.
    pub fn open_demo(&self) -> Res<Identity> {
        let path = self.dir.join(DEMO);
        std::fs::create_dir_all(&self.dir).map_err(|e| CommandError::from(Error::Io(e)))?;
        if !path.exists() {
            let opts = demo::DemoOptions::default();
            drop(demo::create(&path, DEMO_PASSPHRASE, &opts)?);
        }
        let reg = Registry::open(&path, DEMO_PASSPHRASE, Env::system())?;
        Ok(self.put(reg, true))
    }

    /// An earlier version kept the demo in the replica's place, where it asked for a
    /// passphrase nobody chose: such a file moves to the demo's own place.
    /// Checked once (trying a passphrase costs the key derivation's time).
    pub fn move_old_demo(&self) {
        let (replica, demo) = (self.path(), self.dir.join(DEMO));
        let checked = self.dir.join(".demo-checked");
        // A replica with a keyring is of this version, never the old demo.
        let keyring = kopa_registry::keyring::path_of(&replica);
        if demo.exists() || !replica.exists() || checked.exists() || keyring.exists() {
            return;
        }
        let _ = std::fs::write(&checked, "");
        if Registry::open(&replica, DEMO_PASSPHRASE, Env::system()).is_ok() {
            for suffix in ["", "-wal", "-shm", ".keys"] {
                let from = PathBuf::from(format!("{}{suffix}", replica.display()));
                if from.exists() {
                    let _ = std::fs::rename(&from, format!("{}{suffix}", demo.display()));
                }
            }
        }
    }
}

fn id<T: std::str::FromStr>(field: &str, s: &str) -> Res<T> {
    Ok(kopa_domain::validate::id(field, s).map_err(Error::from)?)
}

// ----- first run, unlock ---------------------------------------------------------

fn app_status(cx: &Cx) -> Res<AppStatus> {
    let guard = cx.open.lock().unwrap_or_else(|p| p.into_inner());
    let identity = guard.as_ref().map(|o| o.reg.identity());
    Ok(AppStatus {
        demo: guard.as_ref().is_some_and(|o| o.demo),
        has_replica: cx.path().exists(),
        open: identity.is_some(),
        identity,
        today: kopa_registry::SystemClock.now_date().to_string(),
        version: env!("CARGO_PKG_VERSION").to_string(),
        data_dir: cx.dir.display().to_string(),
    })
}

fn create_branch(cx: &Cx, input: CreateBranch) -> Res<Identity> {
    std::fs::create_dir_all(&cx.dir).map_err(|e| CommandError::from(Error::Io(e)))?;
    let reg = Registry::create(
        &cx.path(),
        &input.passphrase,
        InitOptions {
            branch_name: input.name,
            municipality: input.municipality,
            role: kopa_domain::Role::Branch,
            device_name: env::host_name(),
            user: input.user,
        },
        Env::system(),
    )?;
    Ok(cx.opened(reg))
}

/// Unlocks as `person` (chosen on the unlock screen; none when only one person
/// unlocks this laptop).
fn unlock(cx: &Cx, passphrase: String, person: Option<String>) -> Res<Identity> {
    let person = person.filter(|p| !p.trim().is_empty());
    let reg = Registry::open_as(&cx.path(), person.as_deref(), &passphrase, Env::system())?;
    Ok(cx.opened(reg))
}

/// Unlocks with the recovery code, as the branch lead.
fn unlock_with_recovery(cx: &Cx, code: String) -> Res<Identity> {
    let reg = Registry::open_with_recovery(&cx.path(), &code, Env::system())?;
    Ok(cx.opened(reg))
}

/// The names on the unlock screen.
fn unlock_names(cx: &Cx) -> Res<Vec<String>> {
    Ok(Registry::unlock_names(&cx.path())?)
}

fn open_demo(cx: &Cx) -> Res<Identity> {
    cx.open_demo()
}

fn join_hub(cx: &Cx, invite: String, passphrase: String, user: String) -> Res<Identity> {
    std::fs::create_dir_all(&cx.dir).map_err(|e| CommandError::from(Error::Io(e)))?;
    let bytes = std::fs::read(&invite).map_err(|e| CommandError::from(Error::Io(e)))?;
    let reg = kopa_net::join(&bytes, &cx.path(), &passphrase, &env::host_name(), &user)?;
    Ok(cx.opened(reg))
}

fn lock(cx: &Cx) -> Res<()> {
    *cx.open.lock().unwrap_or_else(|p| p.into_inner()) = None;
    Ok(())
}

/// The pickers' lists: the replica's (with what HQ added) once one is open, else the
/// built-in ones (creating a branch).
fn choices(cx: &Cx) -> Res<Choices> {
    let codes = |all: &[&str]| all.iter().map(|s| s.to_string()).collect();
    let open = cx.open.lock().unwrap_or_else(|p| p.into_inner()).is_some();
    let (lists, home_municipality) = if open {
        cx.with(|r| Ok((r.lists()?, Some(r.identity().municipality))))?
    } else {
        let today = SystemClock.now_date();
        (kopa_domain::validate::Context::builtin(today), None)
    };
    let fields = kopa_domain::fields::RECORDS
        .iter()
        .flat_map(|r| lists.fields_of(r))
        .map(|(c, d)| (c.clone(), d.clone()))
        .collect();
    Ok(Choices {
        fields,
        home_municipality,
        municipalities: lists.municipalities,
        activities: lists.activities,
        languages: codes(reference::LANGUAGES),
        target_groups: lists.target_groups,
        labels: lists.labels,
        genders: codes(&["female", "male", "other"]),
        roles: kopa_domain::FamilyRole::ALL
            .iter()
            .map(|t| t.as_str().to_string())
            .collect(),
        guest_categories: codes(reference::GUEST_CATEGORIES),
    })
}

// ----- families ------------------------------------------------------------------

fn overview(cx: &Cx) -> Res<Overview> {
    cx.with(|r| r.overview())
}

fn search_families(cx: &Cx, query: String) -> Res<Vec<SearchHit>> {
    cx.with(|r| r.search(&query, 30))
}

fn list_families(cx: &Cx) -> Res<Vec<FamilySummary>> {
    cx.with(|r| r.list_families())
}

fn family(cx: &Cx, id: String) -> Res<FamilyDetail> {
    let fid: FamilyId = self::id("family", &id)?;
    cx.with(|r| r.family(fid))
}

fn add_family(cx: &Cx, input: FamilyDraft) -> Res<String> {
    cx.with(|r| r.add_family(&input).map(|f| f.key()))
}

fn edit_family(cx: &Cx, id: String, input: FamilyDraft) -> Res<bool> {
    let fid: FamilyId = self::id("family", &id)?;
    cx.with(|r| r.edit_family(fid, &input))
}

fn add_note(cx: &Cx, family: String, text: String) -> Res<String> {
    let fid: FamilyId = self::id("family", &family)?;
    cx.with(|r| {
        let today = r.today().to_string();
        r.add_note(fid, &today, &text).map(|n| n.key())
    })
}

/// A family's request to be forgotten: gone from every replica as it syncs.
fn erase_family(cx: &Cx, id: String) -> Res<()> {
    let fid: FamilyId = self::id("family", &id)?;
    cx.with(|r| r.erase_family(fid))
}

/// One member's request: returns the household's new id (none when nobody is left).
fn erase_person(cx: &Cx, person: String) -> Res<Option<String>> {
    let pid: kopa_domain::PersonId = self::id("person", &person)?;
    cx.with(|r| Ok(r.erase_person(pid)?.map(|f| f.key())))
}

fn retention(cx: &Cx) -> Res<RetentionOverview> {
    cx.with(|r| {
        Ok(RetentionOverview {
            years: r.retention_years()?,
            due: r.retention_due_now()?,
        })
    })
}

fn set_retention_years(cx: &Cx, years: String) -> Res<RetentionOverview> {
    let n = kopa_domain::validate::number("retention", &years, 0..=i64::from(u32::MAX))
        .map_err(Error::from)?;
    cx.with(|r| r.set_retention_years(n as u32))?;
    retention(cx)
}

// ----- groups and sessions ---------------------------------------------------------

fn list_groups(cx: &Cx) -> Res<Vec<GroupSummary>> {
    cx.with(|r| r.list_groups())
}

fn group(cx: &Cx, id: String) -> Res<GroupDetail> {
    let gid: GroupId = self::id("group", &id)?;
    cx.with(|r| r.group(gid))
}

fn add_group(cx: &Cx, input: GroupDraft) -> Res<String> {
    cx.with(|r| r.add_group(&input).map(|g| g.key()))
}

fn planned_today(cx: &Cx) -> Res<Vec<GroupSummary>> {
    cx.with(|r| {
        let today = r.today();
        r.planned_on(today)
    })
}

fn record_session(cx: &Cx, input: SessionDraft) -> Res<String> {
    cx.with(|r| r.record_session(&input).map(|s| s.key()))
}

// ----- volunteers and trainings ----------------------------------------------------

fn list_volunteers(cx: &Cx) -> Res<Vec<VolunteerView>> {
    cx.with(|r| r.list_volunteers())
}

fn add_volunteer(cx: &Cx, input: VolunteerDraft) -> Res<String> {
    cx.with(|r| r.add_volunteer(&input).map(|v| v.key()))
}

fn trainings(cx: &Cx, volunteer: String) -> Res<Vec<TrainingView>> {
    let vid = self::id("volunteer", &volunteer)?;
    cx.with(|r| r.trainings(vid))
}

fn record_training(cx: &Cx, input: TrainingDraft) -> Res<String> {
    cx.with(|r| r.record_training(&input).map(|t| t.key()))
}

// ----- dashboard, conflicts --------------------------------------------------------

fn dashboard(cx: &Cx) -> Res<kopa_report::Dashboard> {
    let mut guard = cx.open.lock().unwrap_or_else(|p| p.into_inner());
    let open = guard
        .as_mut()
        .ok_or_else(|| CommandError::new(ErrorCode::Locked, "the replica is locked"))?;
    let today = open.reg.today();
    Ok(kopa_report::dashboard(&mut open.reg, today)?)
}

fn conflicts(cx: &Cx) -> Res<Vec<ConflictView>> {
    cx.with(|r| r.conflicts())
}

fn resolve_conflict(cx: &Cx, id: String, pick: usize) -> Res<()> {
    cx.with(|r| r.resolve_conflict(&id, pick))
}

// ----- sync ------------------------------------------------------------------------

fn sync_overview(cx: &Cx) -> Res<SyncOverview> {
    cx.with(|r| {
        Ok(SyncOverview {
            peers: r.sync_status()?,
            hub: kopa_net::client::hub_address(r)?,
        })
    })
}

fn export_sync_file(cx: &Cx, to: String, path: String) -> Res<ExportSummary> {
    cx.with(|r| {
        let (bytes, summary) = r.export_sync_file(&to)?;
        files::write_atomic(Path::new(&path), &bytes)?;
        Ok(summary)
    })
}

fn import_sync_file(cx: &Cx, path: String) -> Res<ImportSummary> {
    let bytes = std::fs::read(&path).map_err(|e| CommandError::from(Error::Io(e)))?;
    cx.with(|r| r.import_sync_file(&bytes))
}

fn add_peer(cx: &Cx, path: String) -> Res<String> {
    let card = IdentityCard::read(Path::new(&path))?;
    cx.with(|r| r.add_peer(&card).map(|_| card.branch_name.clone()))
}

fn hub_sync(cx: &Cx) -> Res<HubSyncResult> {
    cx.with(|r| {
        let s = kopa_net::sync(r, |p| {
            let _ = cx.app.emit(
                "sync-progress",
                SyncProgressEvent {
                    round: p.sync.round,
                    documents: p.sync.documents,
                    changes_applied: p.sync.changes_applied,
                    bytes: p.bytes_sent + p.bytes_received,
                },
            );
        })?;
        Ok(HubSyncResult {
            complete: s.sync.complete,
            changes_applied: s.sync.merge.changes_applied,
            conflicts: s.sync.merge.conflicts,
            bytes_sent: s.bytes_sent,
            bytes_received: s.bytes_received,
        })
    })
}

// ----- settings ----------------------------------------------------------------------

// ----- people, audit -------------------------------------------------------------

fn people(cx: &Cx) -> Res<Vec<PersonEntry>> {
    cx.with(|r| r.people())
}

fn add_person(cx: &Cx, name: String, access: String, passphrase: String) -> Res<Vec<PersonEntry>> {
    let access = self::access(&access)?;
    cx.with(|r| {
        r.add_person(&name, access, &passphrase)?;
        r.people()
    })
}

fn set_access(cx: &Cx, person: String, access: String) -> Res<Vec<PersonEntry>> {
    let access = self::access(&access)?;
    cx.with(|r| {
        r.set_access(&person, access)?;
        r.people()
    })
}

fn remove_person(cx: &Cx, person: String) -> Res<Vec<PersonEntry>> {
    cx.with(|r| {
        r.remove_person(&person)?;
        r.people()
    })
}

fn reset_passphrase(cx: &Cx, person: String, passphrase: String) -> Res<()> {
    cx.with(|r| r.reset_passphrase(&person, &passphrase))
}

fn new_recovery_code(cx: &Cx) -> Res<String> {
    cx.with(|r| r.new_recovery_code())
}

fn audit_log(cx: &Cx) -> Res<Vec<AuditView>> {
    cx.with(|r| r.audit_log(500))
}

fn access(s: &str) -> Res<kopa_domain::Access> {
    Ok(kopa_domain::Access::parse(s).ok_or_else(|| {
        Error::from(
            kopa_domain::ValidationError::new("access", kopa_domain::Code::UnknownRole)
                .with_value(s),
        )
    })?)
}

fn restore(cx: &Cx, path: String) -> Res<()> {
    // The app's backups are under the replica's key; one made before personal
    // unlock is restored with `kopa restore`, which asks its passphrase.
    cx.with(|r| r.restore(Path::new(&path), ""))
}

fn backup_status(cx: &Cx) -> Res<BackupOverview> {
    let status = cx.with(|r| r.backup_status(&cx.default_backups()))?;
    let error = cx
        .backup_error
        .lock()
        .unwrap_or_else(|p| p.into_inner())
        .clone();
    Ok(BackupOverview { status, error })
}

fn set_backup_policy(
    cx: &Cx,
    every_hours: String,
    keep: String,
    dir: String,
) -> Res<BackupOverview> {
    cx.with(|r| r.set_backup_policy(&BackupPolicy::parse(&every_hours, &keep, &dir)?))?;
    cx.backup_if_due();
    backup_status(cx)
}

fn backup(cx: &Cx, path: String) -> Res<()> {
    cx.with(|r| r.backup(Path::new(&path)))
}

/// The data directory: `KOPA_DATA`, else the platform's app data directory.
fn data_dir(app: &tauri::App) -> PathBuf {
    std::env::var_os("KOPA_DATA")
        .map(PathBuf::from)
        .or_else(|| app.path().app_data_dir().ok())
        .unwrap_or_else(|| PathBuf::from("kopa-data"))
}

pub fn run() {
    tauri::Builder::default()
        .plugin(tauri_plugin_single_instance::init(|app, _args, _cwd| {
            if let Some(w) = app.get_webview_window("main") {
                let _ = w.unminimize();
                let _ = w.set_focus();
            }
        }))
        .plugin(tauri_plugin_window_state::Builder::default().build())
        .plugin(tauri_plugin_dialog::init())
        .setup(|app| {
            let state = AppState::new(data_dir(app));
            state.move_old_demo();
            // `./dev.sh app` opens the demo branch when the branch has no replica
            // here yet; a real replica is left locked.
            if std::env::var_os("KOPA_OPEN_DEMO").is_some() && !state.path().exists() {
                let _ = state.open_demo();
            }
            app.manage(state);
            // A laptop left open for days still gets its daily backup.
            let handle = app.handle().clone();
            std::thread::spawn(move || loop {
                std::thread::sleep(std::time::Duration::from_secs(600));
                handle.state::<AppState>().backup_if_due();
            });
            Ok(())
        })
        .invoke_handler(invoke::handler())
        .run(tauri::generate_context!())
        .expect("the Kopā window could not be opened");
}
