//! Bringing a branch's existing participant lists (CSV or XLSX) into the registry.
//!
//! A file is read whole, its columns mapped to fields (by a mapping file, or by
//! recognising Latvian, Russian and English headers), and every row checked with the
//! same rules as typing it in. Nothing is imported until every row is valid, unless
//! the person explicitly skips the bad rows; possible duplicates of persons already
//! registered are shown first. Each row is one person; rows with the same `household`
//! value (or, without that column, the same family name and municipality) form one
//! family.

use kopa_domain::text::fold;
use kopa_domain::validate::{self as v, Context, MemberDraft};
use kopa_domain::{Date, ValidationError};
use kopa_registry::{FamilyDraft, Registry};
use serde::Serialize;
use std::collections::BTreeMap;
use std::path::Path;
use words::{Kind, Words};

pub mod attendance;
pub mod volunteers;
pub mod words;
pub use attendance::{import_attendance, AttendancePreview};
pub use volunteers::{import_volunteers, VolunteerPreview};

#[derive(Debug, thiserror::Error)]
pub enum ImportError {
    #[error("the file could not be read as CSV or XLSX: {0}")]
    Unreadable(String),
    #[error("the mapping file is not valid: {0}")]
    BadMapping(String),
    #[error("column {0} is required but not found")]
    MissingColumn(String),
    #[error(transparent)]
    Registry(Box<kopa_registry::Error>),
}

impl From<kopa_registry::Error> for ImportError {
    fn from(e: kopa_registry::Error) -> Self {
        ImportError::Registry(Box::new(e))
    }
}

/// The fields a column can map to.
pub const FIELDS: &[&str] = &[
    "household",
    "given_name",
    "family_name",
    "birth_year",
    "gender",
    "role",
    "municipality",
    "languages",
    "target_groups",
    "contact",
    "consent",
];

/// Header names recognised without a mapping file (compared folded).
const KNOWN_HEADERS: &[(&str, &[&str])] = &[
    (
        "household",
        &["household", "family", "gimene", "семья", "majsaimnieciba"],
    ),
    (
        "given_name",
        &["given name", "first name", "name", "vards", "имя"],
    ),
    (
        "family_name",
        &["family name", "surname", "last name", "uzvards", "фамилия"],
    ),
    (
        "birth_year",
        &[
            "birth year",
            "year of birth",
            "dzimsanas gads",
            "год рождения",
        ],
    ),
    ("gender", &["gender", "sex", "dzimums", "пол"]),
    ("role", &["role", "loma", "роль"]),
    (
        "municipality",
        &[
            "municipality",
            "pasvaldiba",
            "novads",
            "самоуправление",
            "город",
        ],
    ),
    (
        "languages",
        &[
            "languages",
            "language",
            "valoda",
            "valodas",
            "язык",
            "языки",
        ],
    ),
    (
        "target_groups",
        &[
            "target groups",
            "target group",
            "merka grupa",
            "merka grupas",
            "целевая группа",
        ],
    ),
    (
        "contact",
        &[
            "contact",
            "phone",
            "telefons",
            "kontakti",
            "телефон",
            "контакты",
        ],
    ),
    (
        "consent",
        &["consent", "consent date", "piekrisana", "согласие"],
    ),
    ("date", &["date", "datums", "дата", "session date"]),
    (
        "volunteer_role",
        &["role", "loma", "роль", "amats", "должность"],
    ),
    (
        "topic",
        &["topic", "tema", "тема", "training", "apmaciba", "обучение"],
    ),
    ("hours", &["hours", "stundas", "часы", "stundu skaits"]),
];

#[derive(Clone, Debug, Serialize)]
pub struct RowError {
    /// Row number as a spreadsheet shows it (the header is row 1).
    pub row: usize,
    pub field: String,
    pub code: String,
    pub value: Option<String>,
    /// What would have been accepted, for a value of a list.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub valid: Vec<String>,
}

impl RowError {
    pub fn new(row: usize, e: ValidationError) -> RowError {
        RowError {
            row,
            field: e.field,
            code: e.code.as_str().into(),
            value: e.value,
            valid: e.valid,
        }
    }

    /// The error as the registry would report it, for translated messages.
    pub fn validation(&self) -> ValidationError {
        let code = kopa_domain::Code::parse(&self.code).unwrap_or(kopa_domain::Code::Required);
        ValidationError {
            field: self.field.clone(),
            code,
            value: self.value.clone(),
            valid: self.valid.clone(),
        }
    }
}

#[derive(Clone, Debug, Serialize)]
pub struct PossibleDuplicate {
    pub row: usize,
    pub person_id: String,
    pub family_id: String,
    pub name: String,
    pub birth_year: Option<i64>,
}

#[derive(Clone, Debug, Serialize)]
pub struct Preview {
    /// Column header → field.
    pub mapping: BTreeMap<String, String>,
    pub rows: usize,
    pub families: usize,
    pub valid_rows: usize,
    pub errors: Vec<RowError>,
    pub duplicates: Vec<PossibleDuplicate>,
    /// Ids of the families written (empty in a dry run or when refused).
    pub imported: Vec<String>,
}

/// What to do with the file.
#[derive(Clone, Copy, Debug, Default)]
pub struct Options {
    pub dry_run: bool,
    pub skip_bad_rows: bool,
}

impl Options {
    /// A preview: everything is read and checked, nothing is written.
    pub const DRY_RUN: Options = Options {
        dry_run: true,
        skip_bad_rows: false,
    };

    /// Rows with errors are left out and the rest is written.
    pub const SKIP_BAD_ROWS: Options = Options {
        dry_run: false,
        skip_bad_rows: true,
    };

    /// The import's last step: `write` runs in one transaction, so a power cut never
    /// leaves half a file written. A dry run, or a file with errors (unless bad rows
    /// are skipped), writes nothing and returns no ids.
    fn write<E>(
        &self,
        reg: &mut Registry,
        errors: &[E],
        write: impl FnOnce(&mut Registry) -> kopa_registry::Result<Vec<String>>,
    ) -> Result<Vec<String>, ImportError> {
        if self.dry_run || (!errors.is_empty() && !self.skip_bad_rows) {
            return Ok(vec![]);
        }
        let written = reg.atomically(write)?;
        reg.audit_import(&written)?;
        Ok(written)
    }
}

/// Reads a CSV or XLSX file into its header and rows of text.
pub fn read_table(path: &Path) -> Result<(Vec<String>, Vec<Vec<String>>), ImportError> {
    let ext = path
        .extension()
        .and_then(|e| e.to_str())
        .unwrap_or("")
        .to_lowercase();
    let mut rows: Vec<Vec<String>> = if ext == "xlsx" || ext == "xls" || ext == "ods" {
        use calamine::Reader;
        // calamine can panic on a damaged workbook (an index out of bounds on a
        // malformed cell, found by fuzzing): a damaged file is an error, not a crash.
        let read = std::panic::catch_unwind(|| {
            let mut wb = calamine::open_workbook_auto(path).map_err(|e| e.to_string())?;
            wb.worksheet_range_at(0)
                .ok_or_else(|| "no sheet".to_string())?
                .map_err(|e| e.to_string())
        });
        let sheet = match read {
            Ok(Ok(sheet)) => sheet,
            Ok(Err(e)) => return Err(ImportError::Unreadable(e)),
            Err(_) => return Err(ImportError::Unreadable("the workbook is damaged".into())),
        };
        sheet
            .rows()
            .map(|r| {
                r.iter()
                    .map(|c| match c {
                        calamine::Data::Float(f) if f.fract() == 0.0 => format!("{}", *f as i64),
                        // Excel counts days from 1899-12-30; 25,569 of them reach 1970-01-01.
                        calamine::Data::DateTime(d) => {
                            Date::from_days_since_epoch(d.as_f64().floor() as i64 - 25_569)
                                .map(|d| d.to_string())
                                .unwrap_or_default()
                        }
                        other => other.to_string(),
                    })
                    .collect()
            })
            .collect()
    } else {
        let text = std::fs::read(path).map_err(|e| ImportError::Unreadable(e.to_string()))?;
        let delimiter = if text.iter().filter(|b| **b == b';').count()
            > text.iter().filter(|b| **b == b',').count()
        {
            b';'
        } else {
            b','
        };
        let mut rdr = csv::ReaderBuilder::new()
            .has_headers(false)
            .flexible(true)
            .delimiter(delimiter)
            .from_reader(text.as_slice());
        rdr.records()
            .map(|r| r.map(|r| r.iter().map(str::to_string).collect()))
            .collect::<Result<_, _>>()
            .map_err(|e| ImportError::Unreadable(e.to_string()))?
    };
    if rows.is_empty() {
        return Err(ImportError::Unreadable("the file is empty".into()));
    }
    let header = rows
        .remove(0)
        .into_iter()
        .map(|h| h.trim().trim_start_matches('\u{feff}').to_string())
        .collect();
    rows.retain(|r| r.iter().any(|c| !c.trim().is_empty()));
    Ok((header, rows))
}

/// Maps headers to family-list fields: from a mapping file (`{"Header": "field"}`),
/// else by name.
pub fn mapping(
    header: &[String],
    file: Option<&Path>,
) -> Result<BTreeMap<String, String>, ImportError> {
    mapping_for(
        header,
        file,
        FIELDS,
        &["given_name", "family_name", "municipality"],
    )
}

/// Maps headers to `fields`, requiring `required`.
pub(crate) fn mapping_for(
    header: &[String],
    file: Option<&Path>,
    fields: &[&str],
    required: &[&str],
) -> Result<BTreeMap<String, String>, ImportError> {
    let mut map = BTreeMap::new();
    if let Some(f) = file {
        let text =
            std::fs::read_to_string(f).map_err(|e| ImportError::BadMapping(e.to_string()))?;
        let given: BTreeMap<String, String> =
            serde_json::from_str(&text).map_err(|e| ImportError::BadMapping(e.to_string()))?;
        for (col, field) in given {
            if !fields.contains(&field.as_str()) {
                return Err(ImportError::BadMapping(format!("unknown field {field}")));
            }
            if !header.contains(&col) {
                return Err(ImportError::MissingColumn(col));
            }
            map.insert(col, field);
        }
    } else {
        for h in header {
            let key = fold(h);
            if let Some((field, _)) = KNOWN_HEADERS.iter().find(|(field, names)| {
                fields.contains(field) && names.iter().any(|n| fold(n) == key)
            }) {
                map.insert(h.clone(), field.to_string());
            }
        }
    }
    for required in required {
        if !map.values().any(|f| f == required) {
            return Err(ImportError::MissingColumn(required.to_string()));
        }
    }
    Ok(map)
}

struct Row {
    number: usize,
    household: String,
    member: MemberDraft,
    family: FamilyDraft,
}

fn split_list(s: &str) -> Vec<String> {
    s.split([',', ';'])
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(str::to_string)
        .collect()
}

/// Columns holding HQ's fields: `(column, record, field code)` for each header that
/// is a family or person field's code or one of its labels (any language).
fn field_columns(header: &[String], ctx: &Context) -> Vec<(usize, &'static str, String)> {
    let mut out = vec![];
    for (i, h) in header.iter().enumerate() {
        let key = fold(h);
        for record in ["family", "person"] {
            for (code, def) in ctx.fields_of(record) {
                if fold(code) == key || def.labels.values().any(|l| fold(l) == key) {
                    out.push((i, record, code.clone()));
                }
            }
        }
    }
    out
}

fn check_row(
    number: usize,
    get: &dyn Fn(&str) -> String,
    fields: &dyn Fn(&str) -> BTreeMap<String, String>,
    ctx: &Context,
    words: &Words,
) -> Result<Row, ValidationError> {
    let member = MemberDraft {
        given_name: get("given_name"),
        family_name: get("family_name"),
        birth_year: get("birth_year"),
        gender: words.code(Kind::Gender, &get("gender")),
        role: words.code(Kind::Role, &get("role")),
        fields: fields("person"),
    };
    member.validate("member", ctx)?;
    let municipality = v::municipality("municipality", &get("municipality"), ctx)?;
    let languages = words.codes(Kind::Language, &split_list(&get("languages")));
    v::codes("language", &languages, v::language)?;
    let target_groups = words.codes(Kind::TargetGroup, &split_list(&get("target_groups")));
    v::codes("target_group", &target_groups, |f, t| {
        v::target_group_in(f, t, ctx)
    })?;
    let consent = get("consent");
    if !consent.trim().is_empty() {
        v::past_date("consent", &consent, ctx)?;
    }
    let family_fields = fields("family");
    v::field_values("family", "", &family_fields, ctx, true)?;
    let household = match get("household") {
        h if !h.trim().is_empty() => h.trim().to_string(),
        _ => format!("{}|{}", fold(&member.family_name), fold(&municipality)),
    };
    Ok(Row {
        number,
        household,
        family: FamilyDraft {
            name: Some(member.family_name.trim().to_string()),
            municipality: Some(municipality),
            languages: Some(languages),
            target_groups: Some(target_groups),
            contact: Some(get("contact")).filter(|c| !c.trim().is_empty()),
            consent: Some(consent).filter(|c| !c.trim().is_empty()),
            fields: family_fields,
            ..Default::default()
        },
        member,
    })
}

/// Checks a file and, unless it is a dry run or has bad rows not explicitly skipped,
/// registers its families.
pub fn import_families(
    reg: &mut Registry,
    path: &Path,
    mapping_file: Option<&Path>,
    opts: Options,
) -> Result<Preview, ImportError> {
    let (header, rows) = read_table(path)?;
    let map = mapping(&header, mapping_file)?;
    let col = |field: &str| -> Option<usize> {
        map.iter()
            .find(|(_, f)| *f == field)
            .and_then(|(h, _)| header.iter().position(|x| x == h))
    };
    let cols: BTreeMap<&str, Option<usize>> = FIELDS.iter().map(|f| (*f, col(f))).collect();
    let ctx = reg.lists()?;
    let words = Words::new();
    let extra = field_columns(&header, &ctx);
    let mut good = vec![];
    let mut errors = vec![];
    for (i, raw) in rows.iter().enumerate() {
        let number = i + 2;
        let get = |field: &str| -> String {
            cols.get(field)
                .copied()
                .flatten()
                .and_then(|c| raw.get(c))
                .cloned()
                .unwrap_or_default()
        };
        let fields = |record: &str| -> BTreeMap<String, String> {
            extra
                .iter()
                .filter(|(_, r, _)| *r == record)
                .filter_map(|(c, _, code)| {
                    let v = raw.get(*c).cloned().unwrap_or_default();
                    (!v.trim().is_empty()).then(|| (code.clone(), v))
                })
                .collect()
        };
        match check_row(number, &get, &fields, &ctx, &words) {
            Ok(r) => good.push(r),
            Err(e) => errors.push(RowError::new(number, e)),
        }
    }
    // Possible duplicates: same folded name (any script) and birth year, already registered.
    let mut duplicates = vec![];
    for r in &good {
        let q = format!("{} {}", r.member.given_name, r.member.family_name);
        let year: Option<i64> = r.member.birth_year.trim().parse().ok();
        for hit in reg.search(&q, 5)? {
            for p in hit.persons {
                let same_year = year.is_none() || p.birth_year.is_none() || p.birth_year == year;
                if hit.score <= 2 && same_year {
                    duplicates.push(PossibleDuplicate {
                        row: r.number,
                        name: format!("{} {}", p.given_name, p.family_name),
                        person_id: p.id,
                        family_id: p.family_id,
                        birth_year: p.birth_year,
                    });
                }
            }
        }
    }
    let mut households: BTreeMap<String, Vec<&Row>> = BTreeMap::new();
    for r in &good {
        households.entry(r.household.clone()).or_default().push(r);
    }
    let mut preview = Preview {
        mapping: map.clone(),
        rows: rows.len(),
        families: households.len(),
        valid_rows: good.len(),
        errors,
        duplicates,
        imported: vec![],
    };
    preview.imported = opts.write(reg, &preview.errors, |reg| {
        let mut ids = vec![];
        for members in households.values() {
            let mut draft = members[0].family.clone();
            draft.members = members.iter().map(|r| r.member.clone()).collect();
            for r in members.iter().skip(1) {
                // Lists from later rows of the same household add to the first row's.
                for (mine, theirs) in [
                    (&mut draft.languages, &r.family.languages),
                    (&mut draft.target_groups, &r.family.target_groups),
                ] {
                    if let (Some(m), Some(t)) = (mine.as_mut(), theirs) {
                        m.extend(
                            t.iter()
                                .filter(|x| !m.contains(x))
                                .cloned()
                                .collect::<Vec<_>>(),
                        );
                    }
                }
            }
            ids.push(reg.add_family(&draft)?.key());
        }
        Ok(ids)
    })?;
    Ok(preview)
}
