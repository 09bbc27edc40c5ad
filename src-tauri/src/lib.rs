//! The desktop shell: thin Tauri commands over the registry's application services.
//!
//! Each command takes the open replica from the app state, calls one service, and
//! maps its error to a [`contract::CommandError`] code the UI translates. No business
//! rule lives here: validation, search, reports and sync are the core's.

pub mod contract;

use contract::*;
use kopa_domain::reference;
use kopa_domain::{Date, FamilyId, GroupId};
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
    passphrase: String,
}

const REPLICA: &str = "replica.kopa";
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

    /// Makes a backup if the replica's schedule says one is due. Called at unlock and
    /// every few minutes while the app runs; a failure is kept for the settings screen
    /// and never stops the work in hand.
    pub fn backup_if_due(&self) -> Option<PathBuf> {
        let guard = self.open.lock().unwrap_or_else(|p| p.into_inner());
        let open = guard.as_ref()?;
        let done = open
            .reg
            .backup_if_due(&self.default_backups(), &open.passphrase);
        drop(guard);
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
            .ok_or_else(|| CommandError::new("locked", "the replica is locked"))?;
        Ok(f(&mut open.reg)?)
    }

    fn set(&self, reg: Registry, passphrase: &str) -> Identity {
        let id = reg.identity();
        *self.open.lock().unwrap_or_else(|p| p.into_inner()) = Some(Open {
            reg,
            passphrase: passphrase.to_string(),
        });
        self.backup_if_due();
        id
    }

    /// Creates the demo branch (generated people) when there is no replica yet, and
    /// opens it.
    pub fn open_demo(&self) -> Res<Identity> {
        let path = self.path();
        std::fs::create_dir_all(&self.dir).map_err(|e| CommandError::from(Error::Io(e)))?;
        if !path.exists() {
            let opts = demo::DemoOptions::default();
            drop(demo::create(&path, DEMO_PASSPHRASE, &opts)?);
        }
        let reg = Registry::open(&path, DEMO_PASSPHRASE, Env::system())?;
        Ok(self.set(reg, DEMO_PASSPHRASE))
    }
}

fn date(s: &str) -> Res<Date> {
    Ok(kopa_domain::validate::date("date", s).map_err(Error::from)?)
}

fn id<T: std::str::FromStr>(field: &str, s: &str) -> Res<T> {
    Ok(kopa_domain::validate::id(field, s).map_err(Error::from)?)
}

fn some(s: &str) -> Option<String> {
    Some(s.trim().to_string()).filter(|s| !s.is_empty())
}

fn family_draft(f: &FamilyInput) -> FamilyDraft {
    FamilyDraft {
        name: Some(f.name.clone()),
        municipality: Some(f.municipality.clone()),
        languages: Some(f.languages.clone()),
        target_groups: Some(f.target_groups.clone()),
        contact: some(&f.contact),
        consent: some(&f.consent),
        members: f
            .members
            .iter()
            .map(|m| MemberDraft {
                given_name: m.given_name.clone(),
                family_name: m.family_name.clone(),
                birth_year: m.birth_year.clone(),
                gender: m.gender.clone(),
                role: m.role.clone(),
            })
            .collect(),
        ..Default::default()
    }
}

// ----- first run, unlock ---------------------------------------------------------

#[tauri::command]
async fn app_status(state: State<'_, AppState>) -> Res<AppStatus> {
    let guard = state.open.lock().unwrap_or_else(|p| p.into_inner());
    let identity = guard.as_ref().map(|o| o.reg.identity());
    Ok(AppStatus {
        has_replica: state.path().exists(),
        open: identity.is_some(),
        identity,
        today: kopa_registry::SystemClock.now_date().to_string(),
    })
}

#[tauri::command]
async fn create_branch(state: State<'_, AppState>, input: CreateBranch) -> Res<Identity> {
    std::fs::create_dir_all(&state.dir).map_err(|e| CommandError::from(Error::Io(e)))?;
    let reg = Registry::create(
        &state.path(),
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
    Ok(state.set(reg, &input.passphrase))
}

#[tauri::command]
async fn unlock(state: State<'_, AppState>, passphrase: String) -> Res<Identity> {
    let reg = Registry::open(&state.path(), &passphrase, Env::system())?;
    Ok(state.set(reg, &passphrase))
}

#[tauri::command]
async fn open_demo(state: State<'_, AppState>) -> Res<Identity> {
    state.open_demo()
}

#[tauri::command]
async fn join_hub(
    state: State<'_, AppState>,
    invite: String,
    passphrase: String,
    user: String,
) -> Res<Identity> {
    std::fs::create_dir_all(&state.dir).map_err(|e| CommandError::from(Error::Io(e)))?;
    let bytes = std::fs::read(&invite).map_err(|e| CommandError::from(Error::Io(e)))?;
    let reg = kopa_net::join(&bytes, &state.path(), &passphrase, &env::host_name(), &user)?;
    Ok(state.set(reg, &passphrase))
}

#[tauri::command]
async fn lock(state: State<'_, AppState>) -> Res<()> {
    *state.open.lock().unwrap_or_else(|p| p.into_inner()) = None;
    Ok(())
}

#[tauri::command]
async fn choices() -> Res<Choices> {
    let codes = |all: &[&str]| all.iter().map(|s| s.to_string()).collect();
    Ok(Choices {
        municipalities: codes(reference::MUNICIPALITIES),
        activities: codes(reference::ACTIVITY_TYPES),
        languages: codes(reference::LANGUAGES),
        target_groups: kopa_domain::TargetGroup::ALL
            .iter()
            .map(|t| t.as_str().to_string())
            .collect(),
        genders: codes(&["female", "male", "other"]),
        roles: kopa_domain::FamilyRole::ALL
            .iter()
            .map(|t| t.as_str().to_string())
            .collect(),
        guest_categories: codes(reference::GUEST_CATEGORIES),
    })
}

// ----- families ------------------------------------------------------------------

#[tauri::command]
async fn overview(state: State<'_, AppState>) -> Res<Overview> {
    state.with(|r| r.overview())
}

#[tauri::command]
async fn search_families(state: State<'_, AppState>, query: String) -> Res<Vec<SearchHit>> {
    state.with(|r| r.search(&query, 30))
}

#[tauri::command]
async fn list_families(state: State<'_, AppState>) -> Res<Vec<FamilySummary>> {
    state.with(|r| r.list_families())
}

#[tauri::command]
async fn family(state: State<'_, AppState>, id: String) -> Res<FamilyDetail> {
    let fid: FamilyId = self::id("family", &id)?;
    state.with(|r| r.family(fid))
}

#[tauri::command]
async fn add_family(state: State<'_, AppState>, input: FamilyInput) -> Res<String> {
    state.with(|r| r.add_family(&family_draft(&input)).map(|f| f.key()))
}

#[tauri::command]
async fn edit_family(state: State<'_, AppState>, id: String, input: FamilyInput) -> Res<bool> {
    let fid: FamilyId = self::id("family", &id)?;
    let mut draft = family_draft(&input);
    draft.members.clear();
    state.with(|r| r.edit_family(fid, &draft))
}

#[tauri::command]
async fn add_note(state: State<'_, AppState>, family: String, text: String) -> Res<String> {
    let fid: FamilyId = self::id("family", &family)?;
    state.with(|r| {
        let today = r.today().to_string();
        r.add_note(fid, &today, &text).map(|n| n.key())
    })
}

/// A family's request to be forgotten: gone from every replica as it syncs.
#[tauri::command]
async fn erase_family(state: State<'_, AppState>, id: String) -> Res<()> {
    let fid: FamilyId = self::id("family", &id)?;
    state.with(|r| r.erase_family(fid))
}

/// One member's request: returns the household's new id (none when nobody is left).
#[tauri::command]
async fn erase_person(state: State<'_, AppState>, person: String) -> Res<Option<String>> {
    let pid: kopa_domain::PersonId = self::id("person", &person)?;
    state.with(|r| Ok(r.erase_person(pid)?.map(|f| f.key())))
}

#[tauri::command]
async fn retention(state: State<'_, AppState>) -> Res<RetentionOverview> {
    state.with(|r| {
        Ok(RetentionOverview {
            years: r.retention_years()?,
            due: r.retention_due_now()?,
        })
    })
}

#[tauri::command]
async fn set_retention_years(state: State<'_, AppState>, years: String) -> Res<RetentionOverview> {
    let n = kopa_domain::validate::number("retention", &years, 0..=i64::from(u32::MAX))
        .map_err(Error::from)?;
    state.with(|r| r.set_retention_years(n as u32))?;
    retention(state).await
}

// ----- groups and sessions ---------------------------------------------------------

#[tauri::command]
async fn list_groups(state: State<'_, AppState>) -> Res<Vec<GroupSummary>> {
    state.with(|r| r.list_groups())
}

#[tauri::command]
async fn group(state: State<'_, AppState>, id: String) -> Res<GroupDetail> {
    let gid: GroupId = self::id("group", &id)?;
    state.with(|r| r.group(gid))
}

#[tauri::command]
async fn add_group(state: State<'_, AppState>, input: GroupInput) -> Res<String> {
    state.with(|r| {
        r.add_group(&GroupDraft {
            name: input.name,
            activity: input.activity,
            weekday: some(&input.weekday),
            time: some(&input.time),
            place: some(&input.place),
            ..Default::default()
        })
        .map(|g| g.key())
    })
}

#[tauri::command]
async fn planned_today(state: State<'_, AppState>) -> Res<Vec<GroupSummary>> {
    state.with(|r| {
        let today = r.today();
        r.planned_on(today)
    })
}

#[tauri::command]
async fn record_session(state: State<'_, AppState>, input: SessionInput) -> Res<String> {
    date(&input.date)?;
    state.with(|r| {
        r.record_session(&SessionDraft {
            group: input.group,
            date: input.date,
            attended: input.attended,
            guests: input
                .guests
                .iter()
                .filter(|(_, n)| *n > 0)
                .map(|(c, n)| format!("{c}={n}"))
                .collect(),
            note: some(&input.note),
            ..Default::default()
        })
        .map(|s| s.key())
    })
}

// ----- volunteers and trainings ----------------------------------------------------

#[tauri::command]
async fn list_volunteers(state: State<'_, AppState>) -> Res<Vec<VolunteerView>> {
    state.with(|r| r.list_volunteers())
}

#[tauri::command]
async fn add_volunteer(state: State<'_, AppState>, input: VolunteerInput) -> Res<String> {
    state.with(|r| {
        r.add_volunteer(&VolunteerDraft {
            given_name: input.given_name,
            family_name: input.family_name,
            role: some(&input.role),
            contact: some(&input.contact),
        })
        .map(|v| v.key())
    })
}

#[tauri::command]
async fn trainings(state: State<'_, AppState>, volunteer: String) -> Res<Vec<TrainingView>> {
    let vid = self::id("volunteer", &volunteer)?;
    state.with(|r| r.trainings(vid))
}

#[tauri::command]
async fn record_training(state: State<'_, AppState>, input: TrainingInput) -> Res<String> {
    state.with(|r| {
        r.record_training(&TrainingDraft {
            volunteer: input.volunteer,
            date: input.date,
            topic: input.topic,
            hours: input.hours,
        })
        .map(|t| t.key())
    })
}

// ----- dashboard, conflicts --------------------------------------------------------

#[tauri::command]
async fn dashboard(state: State<'_, AppState>) -> Res<kopa_report::Dashboard> {
    let mut guard = state.open.lock().unwrap_or_else(|p| p.into_inner());
    let open = guard
        .as_mut()
        .ok_or_else(|| CommandError::new("locked", "the replica is locked"))?;
    let today = open.reg.today();
    Ok(kopa_report::dashboard(&mut open.reg, today)?)
}

#[tauri::command]
async fn conflicts(state: State<'_, AppState>) -> Res<Vec<ConflictView>> {
    state.with(|r| r.conflicts())
}

#[tauri::command]
async fn resolve_conflict(state: State<'_, AppState>, id: String, pick: usize) -> Res<()> {
    state.with(|r| r.resolve_conflict(&id, pick))
}

// ----- sync ------------------------------------------------------------------------

#[tauri::command]
async fn sync_overview(state: State<'_, AppState>) -> Res<SyncOverview> {
    state.with(|r| {
        Ok(SyncOverview {
            peers: r.sync_status()?,
            hub: kopa_net::client::hub_address(r)?,
        })
    })
}

#[tauri::command]
async fn export_sync_file(
    state: State<'_, AppState>,
    to: String,
    path: String,
) -> Res<ExportSummary> {
    state.with(|r| {
        let (bytes, summary) = r.export_sync_file(&to)?;
        files::write_atomic(Path::new(&path), &bytes)?;
        Ok(summary)
    })
}

#[tauri::command]
async fn import_sync_file(state: State<'_, AppState>, path: String) -> Res<ImportSummary> {
    let bytes = std::fs::read(&path).map_err(|e| CommandError::from(Error::Io(e)))?;
    state.with(|r| r.import_sync_file(&bytes))
}

#[tauri::command]
async fn add_peer(state: State<'_, AppState>, path: String) -> Res<String> {
    let card = IdentityCard::read(Path::new(&path))?;
    state.with(|r| r.add_peer(&card).map(|_| card.branch_name.clone()))
}

#[tauri::command]
async fn hub_sync(app: tauri::AppHandle, state: State<'_, AppState>) -> Res<HubSyncResult> {
    state.with(|r| {
        let s = kopa_net::sync(r, |p| {
            let _ = app.emit(
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

#[tauri::command]
async fn set_user(state: State<'_, AppState>, user: String) -> Res<Identity> {
    state.with(|r| {
        r.set_user(&user)?;
        Ok(r.identity())
    })
}

#[tauri::command]
async fn restore(state: State<'_, AppState>, path: String) -> Res<()> {
    let mut guard = state.open.lock().unwrap_or_else(|p| p.into_inner());
    let open = guard
        .as_mut()
        .ok_or_else(|| CommandError::new("locked", "the replica is locked"))?;
    let pass = open.passphrase.clone();
    Ok(open.reg.restore(Path::new(&path), &pass)?)
}

#[tauri::command]
async fn backup_status(state: State<'_, AppState>) -> Res<BackupOverview> {
    let status = state.with(|r| r.backup_status(&state.default_backups()))?;
    let error = state
        .backup_error
        .lock()
        .unwrap_or_else(|p| p.into_inner())
        .clone();
    Ok(BackupOverview { status, error })
}

#[tauri::command]
async fn set_backup_policy(
    state: State<'_, AppState>,
    every_hours: String,
    keep: String,
    dir: String,
) -> Res<BackupOverview> {
    state.with(|r| r.set_backup_policy(&BackupPolicy::parse(&every_hours, &keep, &dir)?))?;
    state.backup_if_due();
    backup_status(state).await
}

#[tauri::command]
async fn backup(state: State<'_, AppState>, path: String) -> Res<()> {
    let guard = state.open.lock().unwrap_or_else(|p| p.into_inner());
    let open = guard
        .as_ref()
        .ok_or_else(|| CommandError::new("locked", "the replica is locked"))?;
    Ok(open.reg.backup(Path::new(&path), &open.passphrase)?)
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
            // `./dev.sh app` opens the demo branch: created when there is no data yet.
            // A real replica (another passphrase) is left locked.
            if std::env::var_os("KOPA_OPEN_DEMO").is_some() {
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
        .invoke_handler(tauri::generate_handler![
            app_status,
            create_branch,
            unlock,
            open_demo,
            join_hub,
            lock,
            choices,
            overview,
            search_families,
            list_families,
            family,
            add_family,
            edit_family,
            add_note,
            erase_family,
            erase_person,
            retention,
            set_retention_years,
            list_groups,
            group,
            add_group,
            planned_today,
            record_session,
            dashboard,
            conflicts,
            resolve_conflict,
            sync_overview,
            export_sync_file,
            import_sync_file,
            add_peer,
            hub_sync,
            set_user,
            backup,
            backup_status,
            set_backup_policy,
            restore,
            list_volunteers,
            add_volunteer,
            trainings,
            record_training,
        ])
        .run(tauri::generate_context!())
        .expect("the Kopā window could not be opened");
}
