//! What reads return: plain serialisable views of the projection, used by the CLI's
//! `--json`, the desktop app's wire types and reports. Never the document types.

use crate::conflicts::Candidate;
use serde::Serialize;
use std::collections::BTreeMap;

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct Identity {
    pub branch_id: String,
    pub branch_name: String,
    pub municipality: String,
    pub role: String,
    pub device_id: String,
    pub device_name: String,
    /// Who is working: the name of the person who unlocked.
    pub user: String,
    /// What they may do: `volunteer`, `lead` or `coordinator`…
    pub access: String,
    /// …and so which actions (`Action` codes) the app shows them.
    pub actions: Vec<String>,
}

#[derive(Clone, Debug, PartialEq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct FamilySummary {
    pub id: String,
    pub name: String,
    pub branch: String,
    pub municipality: String,
    pub status: String,
    pub members: i64,
}

#[derive(Clone, Debug, PartialEq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct PersonView {
    pub id: String,
    pub family_id: String,
    pub given_name: String,
    pub family_name: String,
    pub birth_year: Option<i64>,
    pub gender: String,
    pub role: String,
    /// Values of HQ's person fields: field code → value.
    pub fields: BTreeMap<String, String>,
}

#[derive(Clone, Debug, PartialEq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct ConsentView {
    pub date: String,
    pub scope: String,
    pub recorded_by: String,
}

#[derive(Clone, Debug, PartialEq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct NoteView {
    pub id: String,
    pub date: String,
    pub text: String,
    pub author: String,
}

#[derive(Clone, Debug, PartialEq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct FollowUpView {
    pub id: String,
    pub due: String,
    pub text: String,
    pub done: bool,
    pub author: String,
}

#[derive(Clone, Debug, PartialEq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct AttendanceView {
    pub session_id: String,
    pub group_id: String,
    pub group_name: String,
    pub date: String,
    pub person_id: String,
}

#[derive(Clone, Debug, PartialEq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct FamilyDetail {
    #[serde(flatten)]
    pub summary: FamilySummary,
    pub languages: Vec<String>,
    pub target_groups: Vec<String>,
    pub contact: Option<String>,
    pub consent: Option<ConsentView>,
    pub registered: String,
    pub persons: Vec<PersonView>,
    pub notes: Vec<NoteView>,
    pub follow_ups: Vec<FollowUpView>,
    pub attendance: Vec<AttendanceView>,
    pub conflicts: Vec<ConflictView>,
    /// Values of HQ's family fields: field code → value.
    pub fields: BTreeMap<String, String>,
}

#[derive(Clone, Debug, PartialEq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct SearchHit {
    pub family: FamilySummary,
    /// Persons of the family that matched, best first.
    pub persons: Vec<PersonView>,
    /// Lower is better: 0 is an exact match of every word.
    pub score: u32,
}

#[derive(Clone, Debug, PartialEq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct GroupSummary {
    pub id: String,
    pub name: String,
    pub activity: String,
    pub municipality: String,
    pub weekday: Option<i64>,
    pub time: Option<String>,
    pub place: Option<String>,
    /// How many are enrolled (`members` in a group's detail lists them).
    #[serde(rename = "member_count")]
    pub members: i64,
    #[serde(rename = "session_count")]
    pub sessions: i64,
}

#[derive(Clone, Debug, PartialEq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct SessionSummary {
    pub id: String,
    /// The branch that held it.
    pub branch: String,
    pub group_id: String,
    pub group_name: String,
    pub date: String,
    pub time: Option<String>,
    pub minutes: i64,
    pub attended: i64,
    pub guests: i64,
    /// What the session was about, as the volunteer wrote it.
    pub topics: String,
    pub note: String,
}

#[derive(Clone, Debug, PartialEq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct GroupDetail {
    #[serde(flatten)]
    pub summary: GroupSummary,
    pub start: Option<String>,
    pub end: Option<String>,
    pub members: Vec<PersonView>,
    pub facilitators: Vec<VolunteerView>,
    pub sessions: Vec<SessionSummary>,
    /// Values of HQ's group fields: field code → value.
    pub fields: BTreeMap<String, String>,
}

#[derive(Clone, Debug, PartialEq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct SessionDetail {
    #[serde(flatten)]
    pub summary: SessionSummary,
    pub place: Option<String>,
    pub attendance: Vec<PersonView>,
    pub guests_by_category: Vec<(String, i64)>,
    pub facilitators: Vec<String>,
    /// Values of HQ's session fields: field code → value.
    pub fields: BTreeMap<String, String>,
}

#[derive(Clone, Debug, PartialEq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct VolunteerView {
    pub id: String,
    pub given_name: String,
    pub family_name: String,
    pub role: String,
    pub active: bool,
    pub trainings: i64,
    /// Total training hours.
    pub hours: f64,
}

#[derive(Clone, Debug, PartialEq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct TrainingView {
    pub id: String,
    pub volunteer_id: String,
    pub date: String,
    pub topic: String,
    pub hours: f64,
}

#[derive(Clone, Debug, PartialEq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct ConflictView {
    pub id: String,
    pub record_id: String,
    pub record_kind: String,
    pub field: String,
    /// Numbered from 1 in this order for `conflicts resolve --pick N`.
    pub candidates: Vec<Candidate>,
}

#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct MergeReport {
    pub documents_added: usize,
    pub documents_updated: usize,
    pub changes_applied: usize,
    pub conflicts: i64,
    /// Changes received and kept that wait for earlier changes (of this merge or
    /// before) that have not arrived yet; they apply as soon as those do.
    pub changes_waiting: usize,
    /// Per document still waiting: how many changes, and the changes they wait for.
    pub waiting: Vec<Waiting>,
}

/// Changes of one document kept until the changes they depend on arrive.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct Waiting {
    pub document: String,
    pub changes: usize,
    /// Hashes of the changes they wait for (the sender has them).
    pub missing: Vec<String>,
}

#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct Overview {
    pub families: i64,
    pub persons: i64,
    pub groups: i64,
    pub sessions: i64,
    pub attendances: i64,
    pub volunteers: i64,
    pub conflicts: i64,
}

#[derive(Clone, Debug, PartialEq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct IndicatorView {
    pub id: String,
    pub project_id: String,
    pub name: String,
    pub rule: String,
    pub params: std::collections::BTreeMap<String, String>,
    pub target: i64,
}

#[derive(Clone, Debug, PartialEq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct ProjectView {
    pub id: String,
    pub name: String,
    pub donor: String,
    pub start: String,
    pub end: String,
    pub branches: Vec<String>,
    pub indicators: Vec<IndicatorView>,
}
