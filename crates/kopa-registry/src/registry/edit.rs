//! An edit: the open Automerge transaction a service writes through, and what it
//! touched (records and fields), for the change's note.

use crate::error::{Error, Result};
use crate::projection::map_at;
use automerge::transaction::{Transactable, Transaction};
use automerge::ReadDoc;
use autosurgeon::{hydrate_prop, reconcile_prop, Hydrate, Reconcile};
use std::collections::BTreeMap;

/// An open Automerge transaction plus what it touched, for the change's note.
pub struct Edit<'a> {
    pub tx: Transaction<'a>,
    records: Vec<String>,
    fields: Vec<String>,
}

impl<'a> Edit<'a> {
    pub(super) fn new(tx: Transaction<'a>) -> Self {
        Edit {
            tx,
            records: vec![],
            fields: vec![],
        }
    }

    /// The transaction, and the records and fields the change's note names.
    pub(super) fn into_parts(self) -> (Transaction<'a>, Vec<String>, Vec<String>) {
        (self.tx, self.records, self.fields)
    }

    /// Notes that the change concerns `record` (for `history`).
    pub fn record(&mut self, record: &str) {
        if !self.records.iter().any(|r| r == record) {
            self.records.push(record.to_string());
        }
    }

    /// A collection's map at the document's root (record id → record).
    pub fn collection(&self, c: crate::Collection) -> Result<automerge::ObjId> {
        self.map(&automerge::ROOT, c.key())
    }

    /// The copy of a collection's map that holds `record`: a collection two
    /// replicas added at once has two (see `projection::maps_at`).
    pub fn collection_of(&self, c: crate::Collection, record: &str) -> Result<automerge::ObjId> {
        crate::projection::map_holding(&self.tx, c.key(), record)?
            .ok_or_else(|| Error::Corrupt(format!("missing map {}", c.key())))
    }

    /// As [`Edit::collection_of`], adding the collection's map when a document an
    /// older version made has none yet.
    pub fn collection_or_new(
        &mut self,
        c: crate::Collection,
        record: &str,
    ) -> Result<automerge::ObjId> {
        match crate::projection::map_holding(&self.tx, c.key(), record)? {
            Some(m) => Ok(m),
            None => Ok(self
                .tx
                .put_object(automerge::ROOT, c.key(), automerge::ObjType::Map)?),
        }
    }

    pub fn map(&self, parent: &automerge::ObjId, key: &str) -> Result<automerge::ObjId> {
        map_at(&self.tx, parent, key)?.ok_or_else(|| Error::Corrupt(format!("missing map {key}")))
    }

    /// Writes `value` at `key` only if it differs from what is there. Writing an
    /// unchanged value would silently settle a pending conflict, so it is never done.
    pub fn set<V>(
        &mut self,
        obj: &automerge::ObjId,
        key: &str,
        value: &V,
        field: &str,
    ) -> Result<()>
    where
        V: Reconcile + Hydrate + PartialEq,
    {
        let current: Option<V> = hydrate_prop(&self.tx, obj, key).unwrap_or(None);
        if current.as_ref() != Some(value) {
            reconcile_prop(&mut self.tx, obj, key, value)?;
            self.fields.push(field.to_string());
        }
        Ok(())
    }

    /// Sets (or, with `None`, clears) values of HQ's fields on `record` (a record's
    /// map). A record written before fields existed gets its `fields` map now; if
    /// two replicas add it at once, both copies are read (`projection::maps_at`) and
    /// a value is written where it already is.
    pub fn set_fields(
        &mut self,
        record: &automerge::ObjId,
        values: &BTreeMap<String, Option<String>>,
        path: &str,
    ) -> Result<()> {
        if values.is_empty() {
            return Ok(());
        }
        let mut copies = crate::projection::maps_at(&self.tx, record, "fields")?;
        if copies.is_empty() {
            copies.push(
                self.tx
                    .put_object(record, "fields", automerge::ObjType::Map)?,
            );
        }
        for (code, value) in values {
            let at = copies
                .iter()
                .find(|c| self.tx.get(*c, code.as_str()).ok().flatten().is_some())
                .unwrap_or(&copies[0])
                .clone();
            let field = format!("{path}fields.{code}");
            match value {
                Some(v) => self.set(&at, code, v, &field)?,
                None => {
                    if self.tx.get(&at, code.as_str())?.is_some() {
                        self.tx.delete(&at, code.as_str())?;
                        self.fields.push(field);
                    }
                }
            }
        }
        Ok(())
    }

    /// Adds `key` to a set map (attendance, enrolment); concurrent adds all stay.
    pub fn add_to_set(&mut self, obj: &automerge::ObjId, key: &str, field: &str) -> Result<()> {
        if self.tx.get(obj, key)?.is_none() {
            self.tx.put(obj, key, true)?;
            self.fields.push(field.to_string());
        }
        Ok(())
    }

    pub fn remove_from_set(
        &mut self,
        obj: &automerge::ObjId,
        key: &str,
        field: &str,
    ) -> Result<()> {
        if self.tx.get(obj, key)?.is_some() {
            self.tx.delete(obj, key)?;
            self.fields.push(field.to_string());
        }
        Ok(())
    }

    /// Notes that the change wrote `field` (for the change's note).
    pub fn touched(&mut self, field: impl Into<String>) {
        self.fields.push(field.into());
    }

    /// How many field writes the change holds so far.
    pub fn changes(&self) -> usize {
        self.fields.len()
    }

    /// Whether the change writes anything (an edit that changes nothing is dropped).
    pub fn changed(&self) -> bool {
        !self.fields.is_empty()
    }

    /// Inserts a new record under a fresh id.
    pub fn insert<V: Reconcile>(
        &mut self,
        obj: &automerge::ObjId,
        key: &str,
        value: &V,
    ) -> Result<()> {
        reconcile_prop(&mut self.tx, obj, key, value)?;
        self.fields.push("*".into());
        self.record(key);
        Ok(())
    }
}
