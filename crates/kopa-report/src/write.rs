//! Report files: CSV (one row per figure) and XLSX (a summary sheet and a sheet per
//! disaggregation), with headers in the chosen language.

use crate::compute::{Report, DIMENSIONS};
use crate::Result;
use kopa_domain::indicator::{DISABILITY, FIELD_PREFIX};
use kopa_i18n::Localizer;
use rust_xlsxwriter::{Format, Workbook};
use std::path::Path;

fn header(l: &Localizer) -> Vec<String> {
    [
        "report-indicator",
        "report-unit",
        "report-dimension",
        "report-category",
        "report-value",
        "report-target",
    ]
    .iter()
    .map(|id| l.tr(id, &[]))
    .collect()
}

/// Every dimension the report's figures are broken down by, in the order sheets
/// and sections show them: the built-in ones, disability, HQ's fields, then how
/// event participants were registered.
pub fn dimensions(report: &Report) -> Vec<String> {
    let mut out: Vec<String> = DIMENSIONS.iter().map(|d| d.to_string()).collect();
    out.push(DISABILITY.to_string());
    out.extend(report.fields.keys().map(|c| format!("{FIELD_PREFIX}{c}")));
    out.push("registration".into());
    out
}

/// A dimension's name as people read it: translated, or an HQ field's label.
pub fn dimension_label(dim: &str, report: &Report, l: &Localizer) -> String {
    match dim
        .strip_prefix(FIELD_PREFIX)
        .and_then(|c| report.fields.get(c))
    {
        Some(def) => def.label(l.lang().code()),
        None => l.tr(&format!("report-dim-{dim}"), &[]),
    }
}

/// A worksheet's name: at most 31 characters, none of `[]:*?/\`, not used yet.
fn sheet_name(label: &str, used: &mut Vec<String>) -> String {
    let clean: String = label
        .chars()
        .map(|c| if "[]:*?/\\".contains(c) { ' ' } else { c })
        .take(28)
        .collect();
    let mut name = clean.trim().to_string();
    let mut n = 2;
    while used.iter().any(|u| u.to_lowercase() == name.to_lowercase()) {
        name = format!("{} {n}", clean.trim());
        n += 1;
    }
    used.push(name.clone());
    name
}

fn unit_label(unit: &str, l: &Localizer) -> String {
    l.tr(&format!("report-unit-{unit}"), &[])
}

/// A breakdown category as people read it: a translated code, a branch's name, or
/// the value itself (municipalities, age bands).
pub fn category_label(dim: &str, cat: &str, report: &Report, l: &Localizer) -> String {
    if dim == "branch" {
        return report
            .branches
            .get(cat)
            .cloned()
            .unwrap_or_else(|| cat.into());
    }
    if let Some(def) = dim
        .strip_prefix(FIELD_PREFIX)
        .and_then(|c| report.fields.get(c))
    {
        let lang = l.lang().code();
        if let Some(labels) = def.options.get(cat) {
            return labels
                .get(lang)
                .or_else(|| labels.get("lv"))
                .cloned()
                .unwrap_or_else(|| cat.to_string());
        }
    }
    if dim == DISABILITY || dim.starts_with(FIELD_PREFIX) {
        let id = format!("report-value-{cat}");
        if l.has(&id) {
            return l.tr(&id, &[]);
        }
    }
    if let Some(labels) = report.labels.get(&format!("{dim}:{cat}")) {
        let lang = l.lang().code();
        if let Some(label) = labels.get(lang).or_else(|| labels.get("lv")) {
            return label.clone();
        }
    }
    let id = format!("code-{dim}-{cat}");
    if l.has(&id) {
        l.tr(&id, &[])
    } else {
        cat.to_string()
    }
}

/// One row per indicator total and per breakdown cell.
pub fn write_csv(report: &Report, path: &Path, l: &Localizer) -> Result<()> {
    let mut w = csv::Writer::from_path(path)?;
    w.write_record(header(l))?;
    let total = l.tr("report-total", &[]);
    for ind in &report.indicators {
        let unit = unit_label(&ind.unit, l);
        w.write_record([
            &ind.name,
            &unit,
            &total,
            &total,
            &ind.value.to_string(),
            &ind.target.to_string(),
        ])?;
        if ind.erased_left_out > 0 {
            let label = l.tr("report-erased-left-out", &[]);
            w.write_record([
                &ind.name,
                &unit,
                &label,
                &label,
                &ind.erased_left_out.to_string(),
                "",
            ])?;
        }
        for (dim, cells) in &ind.breakdown {
            for (cat, v) in cells {
                w.write_record([
                    &ind.name,
                    &unit,
                    &dimension_label(dim, report, l),
                    &category_label(dim, cat, report, l),
                    &v.to_string(),
                    "",
                ])?;
            }
        }
    }
    w.flush()?;
    Ok(())
}

/// A summary sheet, a sheet per disaggregation, and the sync stamp.
pub fn write_xlsx(report: &Report, path: &Path, l: &Localizer) -> Result<()> {
    let mut wb = Workbook::new();
    let bold = Format::new().set_bold();
    let s = wb.add_worksheet();
    s.set_name(l.tr("report-sheet-summary", &[]))?;
    s.write_string_with_format(
        0,
        0,
        format!("{} — {}", report.project, report.donor),
        &bold,
    )?;
    s.write_string(
        1,
        0,
        format!(
            "{} {} – {}",
            l.tr("report-period", &[]),
            report.from,
            report.to
        ),
    )?;
    s.write_string(
        2,
        0,
        format!(
            "{} {}",
            l.tr("report-reference-date", &[]),
            report.reference_date
        ),
    )?;
    let cols = [
        "report-indicator",
        "report-unit",
        "report-value",
        "report-target",
        "report-percent",
        "report-erased-left-out",
    ];
    for (c, id) in cols.iter().enumerate() {
        s.write_string_with_format(4, c as u16, l.tr(id, &[]), &bold)?;
    }
    for (r, ind) in report.indicators.iter().enumerate() {
        let row = 5 + r as u32;
        s.write_string(row, 0, &ind.name)?;
        s.write_string(row, 1, unit_label(&ind.unit, l))?;
        s.write_number(row, 2, ind.value as f64)?;
        s.write_number(row, 3, ind.target as f64)?;
        s.write_number(row, 4, ind.percent)?;
        if ind.erased_left_out > 0 {
            s.write_number(row, 5, ind.erased_left_out as f64)?;
        }
    }
    s.autofit();
    let mut used = vec![l.tr("report-sheet-summary", &[])];
    for dim in dimensions(report) {
        let dim = dim.as_str();
        let rows: Vec<_> = report
            .indicators
            .iter()
            .filter_map(|i| i.breakdown.get(dim).map(|cells| (i, cells)))
            .collect();
        if rows.is_empty() {
            continue;
        }
        let sheet = wb.add_worksheet();
        sheet.set_name(sheet_name(&dimension_label(dim, report, l), &mut used))?;
        for (c, id) in [
            "report-indicator",
            "report-unit",
            "report-category",
            "report-value",
        ]
        .iter()
        .enumerate()
        {
            sheet.write_string_with_format(0, c as u16, l.tr(id, &[]), &bold)?;
        }
        let mut row = 1;
        for (ind, cells) in rows {
            for (cat, v) in cells {
                sheet.write_string(row, 0, &ind.name)?;
                sheet.write_string(row, 1, unit_label(&ind.unit, l))?;
                sheet.write_string(row, 2, category_label(dim, cat, report, l))?;
                sheet.write_number(row, 3, *v as f64)?;
                row += 1;
            }
        }
        sheet.autofit();
    }
    if !report.sessions.is_empty() {
        let sheet = wb.add_worksheet();
        sheet.set_name(l.tr("report-sheet-sessions", &[]))?;
        for (c, id) in [
            "field-date",
            "report-dim-branch",
            "field-group",
            "field-minutes",
            "field-attended",
            "field-guests",
            "field-topics",
        ]
        .iter()
        .enumerate()
        {
            sheet.write_string_with_format(0, c as u16, l.tr(id, &[]), &bold)?;
        }
        for (i, s) in report.sessions.iter().enumerate() {
            let row = 1 + i as u32;
            let branch = report.branches.get(&s.branch).unwrap_or(&s.branch);
            sheet.write_string(row, 0, &s.date)?;
            sheet.write_string(row, 1, branch)?;
            sheet.write_string(row, 2, &s.group_name)?;
            sheet.write_number(row, 3, s.minutes as f64)?;
            sheet.write_number(row, 4, s.attended as f64)?;
            sheet.write_number(row, 5, s.guests as f64)?;
            sheet.write_string(row, 6, &s.topics)?;
        }
        sheet.autofit();
    }
    let stamp = wb.add_worksheet();
    stamp.set_name(l.tr("report-sheet-stamp", &[]))?;
    let mut row = 0u32;
    for (peer, heard) in &report.last_heard {
        stamp.write_string(row, 0, peer)?;
        stamp.write_string(row, 1, heard.as_deref().unwrap_or("—"))?;
        row += 1;
    }
    for (doc, heads) in &report.computed_from {
        stamp.write_string(row, 0, doc)?;
        stamp.write_string(row, 1, heads.join(" "))?;
        row += 1;
    }
    wb.save(path)?;
    Ok(())
}
