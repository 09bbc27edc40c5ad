//! `kopa`: the Kopā registry from a terminal. Every read takes `--json`; every write
//! prints the id of the record it created or changed.
//!
//! Exit codes: 0 ok · 1 other error · 2 usage error · 3 validation error ·
//! 4 wrong passphrase · 5 not found · 6 refused (file exists, not allowed) ·
//! 7 sync refused (a bad sync file, or a batch the hub or replica refused) ·
//! 8 the hub could not be reached or did not accept this replica ·
//! 9 received and kept, but some changes wait for earlier ones not yet received.
//!
//! This file parses the arguments, dispatches each command to its group's module in
//! `commands/` and maps errors to exit codes. A new command is an arm in [`run`] and a
//! function in its group's module.

mod cli;
mod commands;
mod output;

use clap::Parser;
use cli::*;
use commands::*;
use kopa_i18n::Localizer;
use kopa_registry::Error;
use output::Out;
use std::process::ExitCode;

fn main() -> ExitCode {
    let args = match Cli::try_parse() {
        Ok(a) => a,
        Err(e) => {
            let code = if e.use_stderr() { 2 } else { 0 };
            let _ = e.print();
            return ExitCode::from(code);
        }
    };
    let l10n = Localizer::new(args.lang);
    let out = Out::new(args.json, &l10n);
    match run(&args, &out) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            out.error(&e);
            ExitCode::from(exit_code(&e))
        }
    }
}

/// Errors the CLI reports: the registry's, and usage problems found after parsing.
#[derive(Debug)]
pub enum CliError {
    Registry(Box<Error>),
    Usage(String),
    /// Everything received was accepted and kept, but some changes wait for earlier
    /// ones that have not arrived (the message says what to do).
    Waiting(String),
}

impl From<Error> for CliError {
    fn from(e: Error) -> Self {
        CliError::Registry(Box::new(e))
    }
}

fn exit_code(e: &CliError) -> u8 {
    match e {
        CliError::Usage(_) => 2,
        CliError::Waiting(_) => 9,
        CliError::Registry(e) => match **e {
            ref e if e.is_validation() => 3,
            Error::WrongPassphrase
            | Error::AccountRemoved(_)
            | Error::PersonRequired(_)
            | Error::TryLater(_) => 4,
            Error::NotFound { .. } | Error::NoReplica(_) => 5,
            Error::AlreadyExists(_) | Error::NotAllowed { .. } | Error::NotPermitted { .. } => 6,
            Error::SyncFile(_) | Error::NetSync(_) => 7,
            Error::Transport { .. } => 8,
            _ => 1,
        },
    }
}

type Result<T> = std::result::Result<T, CliError>;

fn run(args: &Cli, out: &Out) -> Result<()> {
    // Commands that make a replica, or work on the hub's directory, open none.
    match &args.command {
        Command::Init(i) => return setup::init(args, i, out),
        Command::Demo(d) => return setup::demo(args, d, out),
        Command::Join {
            invite,
            device,
            offline,
        } => return setup::join(args, invite, device.as_deref(), *offline, out),
        Command::Hub(cmd) => return hub::run(cmd, out),
        _ => {}
    }
    let (mut reg, pass) = open(args, out.l10n)?;
    let reg = &mut reg;
    match &args.command {
        Command::Init(_) | Command::Demo(_) | Command::Join { .. } | Command::Hub(_) => {
            unreachable!("handled before opening")
        }
        Command::Info => replica::info(reg, out),
        Command::Family(cmd) => families::family(reg, cmd, out),
        Command::Person(cmd) => families::person(reg, cmd, out),
        Command::Duplicates(cmd) => families::duplicates(reg, cmd, out),
        Command::Group(cmd) => activity::group(reg, cmd, out),
        Command::Session(cmd) => activity::session(reg, cmd, out),
        Command::Volunteer(cmd) => activity::volunteer(reg, cmd, out),
        Command::Training(cmd) => activity::training(reg, cmd, out),
        Command::Event(cmd) => activity::event(reg, cmd, out),
        Command::Conflicts(cmd) => replica::conflicts(reg, cmd, out),
        Command::History { id } => replica::history(reg, id, out),
        Command::Projection(cmd) => replica::projection(reg, cmd, out),
        Command::People(cmd) => people::people(reg, cmd, out),
        Command::RecoveryCode => people::recovery_code(reg, out),
        Command::Audit { limit } => people::audit(reg, *limit, out),
        Command::Merge { other } => sync::merge(reg, &pass, other, out),
        Command::Project(cmd) => hq::project(reg, cmd, out),
        Command::Indicator(cmd) => hq::indicator(reg, cmd, out),
        Command::List(cmd) => hq::list(reg, cmd, out),
        Command::Field(cmd) => hq::field(reg, cmd, out),
        Command::Report(r) => report::report(reg, r, out),
        Command::Sync(SyncArgs { cmd: Some(cmd) }) => sync::files(reg, cmd, out),
        Command::Sync(SyncArgs { cmd: None }) => sync::network(reg, out),
        Command::Import(a) => import::import(reg, a, out),
        Command::Backup {
            out: file,
            dir,
            keep,
            if_due,
        } => backup::backup(reg, file.as_deref(), dir.as_deref(), *keep, *if_due, out),
        Command::Restore { file } => backup::restore(reg, &pass, file, out),
    }
}
