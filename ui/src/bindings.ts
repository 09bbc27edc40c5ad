// Generated from the Rust types by `KOPA_WRITE_BINDINGS=1 cargo test -p kopa-desktop`.
// Do not edit: CI fails when this file is stale.

export type JsonValue = number | string | boolean | Array<JsonValue> | { [key in string]?: JsonValue } | null;

export type ErrorCode = "wrong-passphrase" | "no-replica" | "already-exists" | "not-found" | "no-such-candidate" | "not-allowed" | "not-permitted" | "account-removed" | "person-required" | "try-later" | "corrupt" | "storage" | "storage-busy" | "io" | "locked" | "required" | "too-long" | "not-a-name" | "invalid-date" | "date-in-future" | "date-order" | "birth-year-range" | "invalid-number" | "number-range" | "unknown-municipality" | "unknown-activity" | "unknown-target-group" | "unknown-language" | "unknown-gender" | "unknown-role" | "invalid-member" | "invalid-guests" | "invalid-id" | "not-enrolled" | "unknown-rule" | "invalid-param" | "unknown-person" | "ambiguous-person" | "invalid-mark" | "no-such-folder" | "unknown-branch" | "invalid-age-band" | "unknown-category" | "invalid-code" | "unknown-option" | "unknown-field" | "session-exists" | "passphrase-mismatch" | "sync-not-for-us" | "sync-damaged" | "sync-unknown-signer" | "sync-bad-signature" | "sync-not-owner" | "sync-unknown-peer" | "sync-not-readable" | "sync-malformed" | "sync-no-progress" | "sync-waiting" | "net-invite" | "net-not-joined" | "net-address" | "net-certificate" | "net-unauthorised" | "net-refused" | "net-protocol" | "net-too-large" | "net-unreachable" | "net-interrupted" | "net-busy" | "net-rate-limited" | "net-server" | "usage";

export type CommandError = { code: ErrorCode, 
/**
 * `code.retryable()`: the UI offers to try again.
 */
retryable: boolean, message: string, field: string | null, value: string | null, 
/**
 * What would have been accepted, when the value had to be one of a list.
 */
valid: Array<string>, };

export type AppStatus = { 
/**
 * A replica exists on this computer (it may be locked).
 */
has_replica: boolean, 
/**
 * The replica is open; `identity` says whose it is.
 */
open: boolean, 
/**
 * What is open is the demo branch (generated people), not the branch's replica.
 */
demo: boolean, identity: Identity | null, today: string, 
/**
 * This program's version (the package's).
 */
version: string, 
/**
 * Where this computer keeps the replica, its keyring and backups.
 */
data_dir: string, };

export type CreateBranch = { name: string, municipality: string, passphrase: string, user: string, };

export type FieldDef = { 
/**
 * The record it is on: one of [`RECORDS`].
 */
on: string, 
/**
 * [`FieldKind`] as text.
 */
kind: string, 
/**
 * Language (`lv`, `ru`, `en`) → label.
 */
labels: { [key in string]?: string }, 
/**
 * Language → a sentence of help shown under the input.
 */
help: { [key in string]?: string }, 
/**
 * For a choice: option code → (language → label).
 */
options: { [key in string]?: { [key in string]?: string } }, required: boolean, 
/**
 * A number's least and greatest value; a text's greatest length (`max`).
 */
min: number | null, max: number | null, 
/**
 * Only records of this project's branches have it; none: every branch.
 */
project: string | null, retired: boolean, 
/**
 * Where forms show it among the record's fields (1 = first).
 */
position: number, 
/**
 * A ready-made set it came with (`washington-group`).
 */
set: string | null, };

export type MemberDraft = { given_name: string, family_name: string, birth_year: string, gender: string, role: string, 
/**
 * Values of HQ's person fields: field code → text as typed.
 */
fields: { [key in string]?: string }, };

export type FamilyDraft = { name: string | null, municipality: string | null, languages: Array<string> | null, target_groups: Array<string> | null, contact: string | null, 
/**
 * `active` or `closed`.
 */
status?: string, 
/**
 * Members to add.
 */
members: Array<MemberDraft>, 
/**
 * Consent date, `YYYY-MM-DD`; empty is no consent (an edit keeps the one given).
 */
consent: string | null, consent_scope?: string, 
/**
 * Values of HQ's family fields: field code → text as typed (in an edit, only
 * the fields given change; an empty one clears the value).
 */
fields: { [key in string]?: string }, };

export type GroupDraft = { name: string, activity: string, 
/**
 * The branch's own when left out.
 */
municipality?: string, facilitators: Array<string>, 
/**
 * ISO weekday, 1 = Monday.
 */
weekday: string | null, time: string | null, place: string | null, start?: string, end?: string, 
/**
 * Values of HQ's group fields: field code → text as typed.
 */
fields: { [key in string]?: string }, };

export type SessionDraft = { group: string, date: string, time: string | null, 
/**
 * Minutes, 90 when left out.
 */
minutes: string | null, place: string | null, 
/**
 * What the session was about ("bērna aprūpes pamati, vecumposmu īpatnības").
 */
topics: string | null, attended: Array<string>, 
/**
 * Unregistered guests, `(category, count)`: adult, child, senior, volunteer,
 * other. A category counted twice adds up; a count of 0 is left out.
 */
guests: Array<[string, number]>, facilitators: Array<string>, note: string | null, 
/**
 * Values of HQ's session fields: field code → text as typed.
 */
fields: { [key in string]?: string }, 
/**
 * A second session of the group on a date that has one (two meetings in a day).
 * Without it, recording again for the same group and date is refused, so a
 * double click on Save or a list recorded twice never counts a session twice.
 */
another: boolean, };

export type Choices = { municipalities: Array<string>, 
/**
 * The replica's own municipality, where a new family most likely lives.
 */
home_municipality: string | null, activities: Array<string>, languages: Array<string>, target_groups: Array<string>, genders: Array<string>, roles: Array<string>, guest_categories: Array<string>, 
/**
 * Labels HQ gave the values it added to the lists: `<list>:<value>` → language
 * → label.
 */
labels: { [key in string]?: { [key in string]?: string } }, 
/**
 * HQ's fields forms show, each `(code, definition)`, in HQ's order per record.
 */
fields: Array<[string, FieldDef]>, };

export type VolunteerDraft = { given_name: string, family_name: string, role: string | null, contact: string | null, };

export type TrainingDraft = { volunteer: string, date: string, topic: string, hours: string, };

export type TrainingView = { id: string, volunteer_id: string, date: string, topic: string, hours: number, };

export type SyncProgressEvent = { round: number, documents: number, changes_applied: number, bytes: number, };

export type HubSyncResult = { complete: boolean, changes_applied: number, conflicts: number, bytes_sent: number, bytes_received: number, };

export type SyncOverview = { peers: Array<PeerStatus>, 
/**
 * The hub this replica joined, if any.
 */
hub: string | null, };

export type BackupOverview = { status: BackupStatus, error: CommandError | null, };

export type RetentionOverview = { years: number, due: Array<FamilySummary>, };

export type BackupStatus = { policy: BackupPolicy, 
/**
 * The folder backups go to now.
 */
dir: string, 
/**
 * The newest dated backup in that folder (RFC 3339), if any.
 */
last: string | null, 
/**
 * How many dated backups the folder holds.
 */
count: number, 
/**
 * When the next automatic backup is due (RFC 3339); none when they are off.
 */
next_due: string | null, };

export type BackupPolicy = { 
/**
 * Hours between automatic backups (1–720); 0 turns them off.
 */
every_hours: number, 
/**
 * How many dated backups the folder keeps (1–365); older ones are deleted.
 */
keep: number, 
/**
 * The chosen folder (a USB stick, a network share); none means the default.
 */
dir: string | null, };

export type Identity = { branch_id: string, branch_name: string, municipality: string, role: string, device_id: string, device_name: string, 
/**
 * Who is working: the name of the person who unlocked.
 */
user: string, 
/**
 * What they may do: `volunteer`, `lead` or `coordinator`…
 */
access: string, 
/**
 * …and so which actions (`Action` codes) the app shows them.
 */
actions: Array<string>, };

export type FamilySummary = { id: string, name: string, branch: string, municipality: string, status: string, members: number, };

export type PersonView = { id: string, family_id: string, given_name: string, family_name: string, birth_year: number | null, gender: string, role: string, 
/**
 * Values of HQ's person fields: field code → value.
 */
fields: { [key in string]?: string }, };

export type ConsentView = { date: string, scope: string, recorded_by: string, };

export type NoteView = { id: string, date: string, text: string, author: string, };

export type FollowUpView = { id: string, due: string, text: string, done: boolean, author: string, };

export type AttendanceView = { session_id: string, group_id: string, group_name: string, date: string, person_id: string, };

export type FamilyDetail = { languages: Array<string>, target_groups: Array<string>, contact: string | null, consent: ConsentView | null, registered: string, persons: Array<PersonView>, notes: Array<NoteView>, follow_ups: Array<FollowUpView>, attendance: Array<AttendanceView>, conflicts: Array<ConflictView>, 
/**
 * Values of HQ's family fields: field code → value.
 */
fields: { [key in string]?: string }, id: string, name: string, branch: string, municipality: string, status: string, members: number, };

export type SearchHit = { family: FamilySummary, 
/**
 * Persons of the family that matched, best first.
 */
persons: Array<PersonView>, 
/**
 * Lower is better: 0 is an exact match of every word.
 */
score: number, };

export type GroupSummary = { id: string, name: string, activity: string, municipality: string, weekday: number | null, time: string | null, place: string | null, 
/**
 * How many are enrolled (`members` in a group's detail lists them).
 */
member_count: number, session_count: number, };

export type SessionSummary = { id: string, 
/**
 * The branch that held it.
 */
branch: string, group_id: string, group_name: string, date: string, time: string | null, minutes: number, attended: number, guests: number, 
/**
 * What the session was about, as the volunteer wrote it.
 */
topics: string, note: string, };

export type GroupDetail = { start: string | null, end: string | null, members: Array<PersonView>, facilitators: Array<VolunteerView>, sessions: Array<SessionSummary>, 
/**
 * Values of HQ's group fields: field code → value.
 */
fields: { [key in string]?: string }, id: string, name: string, activity: string, municipality: string, weekday: number | null, time: string | null, place: string | null, 
/**
 * How many are enrolled (`members` in a group's detail lists them).
 */
member_count: number, session_count: number, };

export type SessionDetail = { place: string | null, attendance: Array<PersonView>, guests_by_category: Array<[string, number]>, facilitators: Array<string>, 
/**
 * Values of HQ's session fields: field code → value.
 */
fields: { [key in string]?: string }, id: string, 
/**
 * The branch that held it.
 */
branch: string, group_id: string, group_name: string, date: string, time: string | null, minutes: number, attended: number, guests: number, 
/**
 * What the session was about, as the volunteer wrote it.
 */
topics: string, note: string, };

export type VolunteerView = { id: string, given_name: string, family_name: string, role: string, active: boolean, trainings: number, 
/**
 * Total training hours.
 */
hours: number, };

export type ConflictView = { id: string, record_id: string, record_kind: string, field: string, 
/**
 * Numbered from 1 in this order for `conflicts resolve --pick N`.
 */
candidates: Array<Candidate>, };

export type Candidate = { value: JsonValue, person: string, device: string, 
/**
 * When the value was set, RFC 3339 UTC.
 */
at: string, };

export type MergeReport = { documents_added: number, documents_updated: number, changes_applied: number, conflicts: number, 
/**
 * Changes received and kept that wait for earlier changes (of this merge or
 * before) that have not arrived yet; they apply as soon as those do.
 */
changes_waiting: number, 
/**
 * Per document still waiting: how many changes, and the changes they wait for.
 */
waiting: Array<Waiting>, };

export type Waiting = { document: string, changes: number, 
/**
 * Hashes of the changes they wait for (the sender has them).
 */
missing: Array<string>, };

export type Overview = { families: number, persons: number, groups: number, sessions: number, attendances: number, volunteers: number, conflicts: number, };

export type PeerStatus = { 
/**
 * `hq` or a branch id.
 */
peer: string, name: string, role: string, 
/**
 * The replica: a device's name (`hub` for the network).
 */
device: string, 
/**
 * `file` (a device known by its card), `network` (the hub), or `hub` (a branch
 * HQ hears of only through the hub).
 */
via: string, last_sent: string | null, last_heard: string | null, 
/**
 * Documents this replica told us it has (by file, or in network sync states).
 */
acknowledged_documents: number, 
/**
 * Changes this replica holds that that replica has not acknowledged.
 */
unsent_changes: number, };

export type ExportSummary = { to: string, 
/**
 * Documents with changes in the file.
 */
documents: number, changes: number, 
/**
 * The devices of the destination the file is encrypted to.
 */
replicas: Array<string>, bytes: number, };

export type ImportSummary = { from: string, from_name: string, 
/**
 * The file had been imported before; nothing was done.
 */
already_imported: boolean, merge: MergeReport, };

export type Dashboard = { year: number, indicators: Array<IndicatorProgress>, 
/**
 * `(YYYY-MM, attendances)` for each month of the year up to today.
 */
attendance_by_month: Array<[string, number]>, 
/**
 * `(target group code, distinct persons who attended this year)`.
 */
persons_by_target_group: Array<[string, number]>, };

export type IndicatorProgress = { project: string, name: string, unit: string, value: number, target: number, percent: number, };

export type PersonEntry = { id: string, name: string, 
/**
 * `volunteer`, `lead` or `coordinator`.
 */
access: string, removed: boolean, 
/**
 * Whether they can unlock this laptop (a lock here).
 */
unlocks_here: boolean, 
/**
 * Whether this is who is working now.
 */
me: boolean, };

export type AuditView = { id: string, 
/**
 * RFC 3339.
 */
at: string, action: string, who: string, account: string, branch: string, device: string, records: Array<string>, };

