//! HQ's fields the demo branch carries, as HQ would have sent them: the family's
//! housing situation, whether a person comes to the Red Cross for the first time,
//! and the Washington Group questions, with values for the demo's people. Drawn
//! from a random stream of their own, so the rest of the demo stays as it was.

use crate::error::Result;
use crate::registry::*;
use kopa_domain::fields::washington_group as wg;
use kopa_domain::validate::{self as v, MemberDraft};
use kopa_domain::FieldDef;
use rand::seq::SliceRandom;
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use std::collections::BTreeMap;

fn tri(lv: &str, ru: &str, en: &str) -> BTreeMap<String, String> {
    BTreeMap::from([
        ("lv".to_string(), lv.to_string()),
        ("ru".to_string(), ru.to_string()),
        ("en".to_string(), en.to_string()),
    ])
}

pub(super) fn fill(reg: &mut Registry, seed: u64) -> Result<()> {
    let housing = FieldDef {
        on: "family".into(),
        kind: "choice".into(),
        labels: tri(
            "Mājokļa situācija",
            "Жилищная ситуация",
            "Housing situation",
        ),
        options: BTreeMap::from([
            ("own".into(), tri("savs", "собственное", "own")),
            ("rented".into(), tri("īrēts", "арендованное", "rented")),
            (
                "social".into(),
                tri(
                    "sociālais dzīvoklis",
                    "социальная квартира",
                    "social housing",
                ),
            ),
            (
                "none".into(),
                tri("nav pastāvīga", "нет постоянного", "no stable home"),
            ),
        ]),
        position: 1,
        ..Default::default()
    };
    reg.put_field("housing", &housing)?;
    let first = FieldDef {
        on: "person".into(),
        kind: "yes-no".into(),
        labels: tri(
            "Pirmo reizi Sarkanajā Krustā",
            "Впервые в Красном Кресте",
            "First time with the Red Cross",
        ),
        position: 1,
        ..Default::default()
    };
    reg.put_field("first-time", &first)?;
    reg.put_field_set(wg::SET)?;

    let mut rng = ChaCha8Rng::seed_from_u64(seed ^ 0x5eed_f1e1d5);
    let homes = ["own", "own", "rented", "rented", "social", "none"];
    for f in reg.list_families()? {
        let id = v::id("family", &f.id)?;
        let home = homes.choose(&mut rng).expect("options");
        reg.edit_family(
            id,
            &FamilyDraft {
                fields: BTreeMap::from([("housing".into(), home.to_string())]),
                ..Default::default()
            },
        )?;
        for p in reg.family(id)?.persons {
            let mut fields = BTreeMap::new();
            if rng.gen_bool(0.4) {
                let yes = if rng.gen_bool(0.5) { "yes" } else { "no" };
                fields.insert("first-time".to_string(), yes.to_string());
            }
            if rng.gen_bool(0.15) {
                // All six answered; one in three of them with a disability.
                let hard = rng
                    .gen_bool(0.33)
                    .then(|| rng.gen_range(0..wg::QUESTIONS.len()));
                for (i, q) in wg::QUESTIONS.iter().enumerate() {
                    let a = match hard {
                        Some(h) if h == i => wg::ANSWERS[2 + rng.gen_range(0..2)].0,
                        _ => wg::ANSWERS[rng.gen_range(0..2)].0,
                    };
                    fields.insert(q.0.to_string(), a.to_string());
                }
            }
            if !fields.is_empty() {
                let draft = MemberDraft {
                    fields,
                    ..Default::default()
                };
                reg.edit_person(v::id("person", &p.id)?, &draft)?;
            }
        }
    }
    Ok(())
}
