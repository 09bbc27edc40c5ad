//! Merging whole documents from another replica (in-process) and handing out every
//! stored document.

use super::engine::Incoming;
use super::Registry;
use crate::docs::{self};
use crate::error::{Error, Result};
use crate::store;
use crate::views::*;
use automerge::Automerge;
use std::path::Path;

impl Registry {
    /// Merges every document of another replica file into this one (in-process).
    pub fn merge_from(&mut self, other: &Path, passphrase: &str) -> Result<MergeReport> {
        let other_conn = store::open(other, passphrase, false)?;
        let mut incoming = vec![];
        for row in docs::list(&other_conn)? {
            let doc = docs::load(&other_conn, row.id, &self.me().actor())?
                .ok_or_else(|| Error::Corrupt(format!("document {} vanished", row.id)))?;
            incoming.push((row, doc));
        }
        drop(other_conn);
        self.merge_docs(incoming)
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
