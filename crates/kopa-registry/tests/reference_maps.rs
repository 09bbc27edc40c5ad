//! A map a later version adds to a document an older version made: two HQ computers
//! that each add it while apart keep both copies, and every replica reads the union.

use automerge::transaction::Transactable;
use automerge::ReadDoc;
use kopa_registry::docs::DocId;
use kopa_registry::testkit::*;
use kopa_registry::*;
use std::collections::BTreeMap;

/// Removes `key` from the root of `reg`'s reference document, as if an older version
/// had made it without that map.
fn drop_from_reference(reg: &mut Registry, key: &str) {
    let mut docs = reg.export_docs().unwrap();
    let (row, doc) = docs
        .iter_mut()
        .find(|(r, _)| r.id == DocId::Reference)
        .unwrap();
    let mut tx = doc.transaction();
    tx.delete(automerge::ROOT, key).unwrap();
    tx.commit();
    assert!(doc.get(automerge::ROOT, key).unwrap().is_none());
    let incoming = vec![(row.clone(), doc.clone())];
    reg.merge_docs(incoming).unwrap();
}

fn field(code: &str, label: &str) -> FieldDraft {
    FieldDraft {
        code: code.into(),
        on: "family".into(),
        kind: "yes-no".into(),
        labels: vec![("lv".into(), label.into())],
        ..Default::default()
    }
}

#[test]
fn two_hq_computers_adding_the_fields_map_at_once_lose_neither_field() {
    let dir = tempfile::tempdir().unwrap();
    let mut hub = hub(dir.path(), env(1));
    let kr = hub.register_branch("Krāslava", "Krāslava").unwrap().key();
    let mut hq1 = join(&mut hub, dir.path(), "hq1", "hq", env(2));
    let mut hq2 = join(&mut hub, dir.path(), "hq2", "hq", env(3));
    let mut branch = join(&mut hub, dir.path(), "kr", &kr, env(4));
    // The reference document as an older version made it: no `fields` map.
    drop_from_reference(&mut hub, "fields");
    for r in [&mut hq1, &mut hq2, &mut branch] {
        let key = if r.identity().role == "hq" {
            "hq"
        } else {
            "kr"
        };
        sync_through(
            r,
            &mut hub,
            &format!("{key}-{}", r.identity().device_name),
            None,
        )
        .unwrap();
    }
    assert!(hq1.field_defs().unwrap().is_empty());
    // Apart, each HQ computer defines a field: each adds its own `fields` map.
    hq1.define_field(&field("housing-aid", "Mājokļa pabalsts"))
        .unwrap();
    hq2.define_field(&field("food-aid", "Pārtikas paka"))
        .unwrap();
    // They meet through the hub.
    for _ in 0..2 {
        for r in [&mut hq1, &mut hq2, &mut branch] {
            let key = format!("{}-{}", r.identity().role, r.identity().device_name);
            sync_through(r, &mut hub, &key, None).unwrap();
        }
    }
    let codes = |r: &Registry| r.field_defs().unwrap().into_keys().collect::<Vec<_>>();
    for r in [&hq1, &hq2, &hub, &branch] {
        assert_eq!(
            codes(r),
            ["food-aid", "housing-aid"],
            "both copies are read"
        );
    }
    // Both fields can be used, and relabelling one writes into the copy it is in.
    hq2.define_field(&field("housing-aid", "Pabalsts mājoklim"))
        .unwrap();
    sync_through(&mut hq2, &mut hub, "hq-hq2", None).unwrap();
    sync_through(&mut branch, &mut hub, "branch-kr", None).unwrap();
    let defs = branch.field_defs().unwrap();
    assert_eq!(defs["housing-aid"].labels["lv"], "Pabalsts mājoklim");
    assert_eq!(codes(&branch), ["food-aid", "housing-aid"]);
    let fid = branch
        .add_family(&FamilyDraft {
            fields: BTreeMap::from([
                ("housing-aid".to_string(), "jā".to_string()),
                ("food-aid".to_string(), "nē".to_string()),
            ]),
            ..family_draft("Ozoli", &["Jānis;Ozols;1950;m;other"])
        })
        .unwrap();
    assert_eq!(branch.family(fid).unwrap().fields.len(), 2);
    for r in [&mut hq1, &mut hq2, &mut hub, &mut branch] {
        assert!(r.verify_projection().unwrap().is_empty());
    }
}

/// A field HQ scopes to a project is on the records of that project's branches only.
#[test]
fn a_field_of_a_project_is_asked_only_in_its_branches() {
    let dir = tempfile::tempdir().unwrap();
    let mut hub = hub(dir.path(), env(1));
    let kr = hub.register_branch("Krāslava", "Krāslava").unwrap().key();
    let dg = hub
        .register_branch("Daugavpils", "Daugavpils")
        .unwrap()
        .key();
    let mut hq = join(&mut hub, dir.path(), "hq", "hq", env(2));
    let mut a = join(&mut hub, dir.path(), "kr", &kr, env(3));
    let mut b = join(&mut hub, dir.path(), "dg", &dg, env(4));
    // HQ's desktop knows the branches once it has synced.
    sync_through(&mut hq, &mut hub, "hq", None).unwrap();
    let p = hq
        .add_project(&ProjectDraft {
            name: "Pārtikas atbalsts".into(),
            donor: "Fonds".into(),
            start: "2026-01-01".into(),
            end: "2026-12-31".into(),
            branches: vec!["Krāslava".into()],
        })
        .unwrap();
    hq.define_field(&FieldDraft {
        project: Some(p.key()),
        required: true,
        ..field("food-aid", "Pārtikas paka")
    })
    .unwrap();
    sync_through(&mut hq, &mut hub, "hq", None).unwrap();
    sync_through(&mut a, &mut hub, "kr", None).unwrap();
    sync_through(&mut b, &mut hub, "dg", None).unwrap();
    assert_eq!(a.lists().unwrap().fields_of("family").len(), 1);
    assert!(b.lists().unwrap().fields_of("family").is_empty());
    let plain = family_draft("Ozoli", &["Jānis;Ozols;1950;m;other"]);
    // Required in the project's branch, unknown in the other.
    assert_eq!(
        a.add_family(&plain).unwrap_err().code().as_str(),
        "required"
    );
    b.add_family(&plain).unwrap();
    let asked = FamilyDraft {
        fields: BTreeMap::from([("food-aid".to_string(), "jā".to_string())]),
        ..plain
    };
    a.add_family(&asked).unwrap();
    assert_eq!(
        b.add_family(&asked).unwrap_err().code().as_str(),
        "unknown-field"
    );
}
