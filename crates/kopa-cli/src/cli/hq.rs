//! HQ's part of the command line: projects and indicators, reports, the reference
//! lists and HQ's fields.

use clap::{Args, Subcommand, ValueEnum};
use std::path::PathBuf;

#[derive(Subcommand, Debug)]
pub enum FieldCmd {
    /// Defines a field, or relabels one: `field add housing --on family --kind choice
    /// --label lv="Mājokļa situācija" --option "rented:lv=Īrēts;ru=Арендованное"`.
    Add {
        /// Its code: lowercase letters, digits and hyphens.
        code: String,
        /// family, person, group, session or event.
        #[arg(long)]
        on: String,
        /// text, number, date, yes-no, choice or choices.
        #[arg(long)]
        kind: String,
        /// LANG=TEXT for lv, ru, en; repeat (a Latvian label is required).
        #[arg(long)]
        label: Vec<String>,
        /// LANG=TEXT shown under the input; repeat.
        #[arg(long = "help-text")]
        help: Vec<String>,
        /// A choice: CODE, or CODE:LANG=LABEL;LANG=LABEL; repeat.
        #[arg(long)]
        option: Vec<String>,
        #[arg(long)]
        required: bool,
        /// A number's least value.
        #[arg(long)]
        min: Option<String>,
        /// A number's greatest value, a text's greatest length.
        #[arg(long)]
        max: Option<String>,
        /// Only the records of this project's branches have it.
        #[arg(long)]
        project: Option<String>,
    },
    /// Hides a field from forms and refuses new values; its values stay.
    Retire { code: String },
    /// Switches on a ready-made set: washington-group (the disability questions).
    Enable { set: String },
    /// The fields HQ defined.
    List,
}

#[derive(Subcommand, Debug)]
pub enum ListCmd {
    /// Adds a value to a list, or relabels or retires one: `list add municipality
    /// "Daugavpils novads" --until 2021-06-30 --becomes "Augšdaugavas novads"`, `list
    /// add activity digital-skills --label lv="Digitālās prasmes"`.
    Add {
        /// municipality, activity, target-group or category (event head counts).
        list: String,
        /// A municipality's name, or an activity's code (lowercase, hyphens).
        value: String,
        /// LANG=TEXT for lv, ru, en; repeat.
        #[arg(long)]
        label: Vec<String>,
        /// The last day a municipality existed.
        #[arg(long)]
        until: Option<String>,
        /// The municipality it became part of.
        #[arg(long)]
        becomes: Option<String>,
    },
    /// The lists as this replica knows them: current and former municipalities,
    /// activity types.
    Show,
}

#[derive(Subcommand, Debug)]
pub enum ProjectCmd {
    Add {
        #[arg(long)]
        name: String,
        #[arg(long)]
        donor: String,
        #[arg(long)]
        start: String,
        #[arg(long)]
        end: String,
        /// A participating branch, by id or name; repeat.
        #[arg(long)]
        branch: Vec<String>,
    },
    List,
    Show {
        id: String,
    },
}

#[derive(Subcommand, Debug)]
pub enum IndicatorCmd {
    Add {
        #[arg(long)]
        project: String,
        #[arg(long)]
        name: String,
        /// distinct-persons, attendances, sessions-held, functioning-groups,
        /// regular-participants, event-head-counts, trained-volunteers.
        #[arg(long)]
        rule: String,
        /// KEY=VALUE: min-sessions, min-percent, min-hours, target-group, age-band
        /// (e.g. 65+ or 0-17), gender, activity, municipality, language, branch (id or
        /// name), category; repeat. A filter takes several values separated by commas
        /// (activity=senior-club,handicraft counts either).
        #[arg(long)]
        param: Vec<String>,
        #[arg(long)]
        target: String,
    },
    /// Moves an indicator to place N (1 = first) among its project's indicators.
    Move {
        id: String,
        #[arg(long)]
        to: usize,
    },
}

#[derive(Clone, Copy, Debug, ValueEnum)]
pub enum ReportFormat {
    Json,
    Csv,
    Xlsx,
    Pdf,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum ExportFormat {
    Json,
    Pdf,
}

#[derive(Args, Debug)]
pub struct ReportArgs {
    #[arg(long)]
    pub project: String,
    #[arg(long)]
    pub from: String,
    #[arg(long)]
    pub to: String,
    /// Ages are computed on this day (default: --to).
    #[arg(long)]
    pub reference_date: Option<String>,
    #[arg(long, value_enum, default_value = "json")]
    pub format: ReportFormat,
    /// Where to write (JSON goes to standard output without it).
    #[arg(long)]
    pub out: Option<PathBuf>,
}
