//! Merging whole documents from another replica (in-process) and handing out every
//! stored document.

use super::engine::Incoming;
use super::Registry;
use crate::docs::{self};
use crate::error::{Error, Result};
use crate::views::*;
use automerge::Automerge;
use std::path::Path;

impl Registry {
    /// Merges every document of another replica file into this one (in-process).
    /// The other replica is unlocked as whoever `passphrase` belongs to there.
    pub fn merge_from(&mut self, other: &Path, passphrase: &str) -> Result<MergeReport> {
        let other = Registry::open(other, passphrase, crate::Env::system())?;
        let incoming = self.docs_of(&other)?;
        drop(other);
        self.merge_docs(incoming)
    }

    /// Every document `other` stores, loaded to be changed by this replica's actor.
    pub(super) fn docs_of(&self, other: &Registry) -> Result<Vec<(docs::DocRow, Automerge)>> {
        let mut incoming = vec![];
        for row in docs::list(other.db())? {
            let doc = docs::load(other.db(), row.id, &self.me().actor())?
                .ok_or_else(|| Error::Corrupt(format!("document {} vanished", row.id)))?;
            incoming.push((row, doc));
        }
        Ok(incoming)
    }

    /// Merges documents received from elsewhere, in one SQLite transaction.
    pub fn merge_docs(&mut self, incoming: Vec<(docs::DocRow, Automerge)>) -> Result<MergeReport> {
        let items = incoming
            .into_iter()
            .map(|(r, d)| (r, Incoming::Doc(Box::new(d))))
            .collect();
        self.apply_incoming(items, |_, _| Ok(()))
            .map(|(report, _)| report)
    }

    /// Every stored document, loaded (for merging into another replica, tests, sync).
    pub fn export_docs(&mut self) -> Result<Vec<(docs::DocRow, Automerge)>> {
        let mut out = vec![];
        for row in docs::list(self.db())? {
            let doc = self.doc(row.id)?.clone();
            out.push((row, doc));
        }
        Ok(out)
    }
}
