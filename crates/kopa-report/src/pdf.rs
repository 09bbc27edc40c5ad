//! PDF output: the donor report and a family's subject-access export, A4, set in
//! DejaVu Sans embedded in the file (Latvian and Cyrillic glyphs on any machine).
//!
//! A deliberately small layout engine: lines of text at a cursor, columns clipped to
//! their width (measured with the font's own advances), a new page when the cursor
//! reaches the bottom margin, and "page N / M" footers added once the count is known.

use crate::compute::Report;
use crate::{ReportError, Result};
use kopa_i18n::{Arg, Localizer};
use owned_ttf_parser::{AsFaceRef, OwnedFace};
use printpdf::{IndirectFontRef, Mm, PdfDocument, PdfDocumentReference, PdfLayerReference};
use std::path::Path;

/// DejaVu Sans 2.37 (free licence: `assets/fonts/DejaVu-LICENSE.txt`).
pub const FONT: &[u8] = include_bytes!("../../../assets/fonts/DejaVuSans.ttf");

const PAGE_W: f32 = 210.0;
const PAGE_H: f32 = 297.0;
const MARGIN: f32 = 18.0;
const PT_TO_MM: f32 = 0.352_778;

fn pdf_err(e: impl std::fmt::Display) -> ReportError {
    ReportError::Pdf(e.to_string())
}

/// Text set line by line down A4 pages.
pub struct Pages {
    doc: PdfDocumentReference,
    font: IndirectFontRef,
    face: OwnedFace,
    layers: Vec<PdfLayerReference>,
    /// Distance from the top of the page to the next baseline, in mm.
    y: f32,
}

impl Pages {
    pub fn new(title: &str) -> Result<Pages> {
        let (doc, page, layer) = PdfDocument::new(title, Mm(PAGE_W), Mm(PAGE_H), "text");
        let font = doc.add_external_font(FONT).map_err(pdf_err)?;
        let face = OwnedFace::from_vec(FONT.to_vec(), 0).map_err(pdf_err)?;
        let first = doc.get_page(page).get_layer(layer);
        Ok(Pages {
            doc,
            font,
            face,
            layers: vec![first],
            y: MARGIN,
        })
    }

    /// Width of `text` at `size` points, in mm.
    pub fn width(&self, text: &str, size: f32) -> f32 {
        let face = self.face.as_face_ref();
        let per_em = face.units_per_em() as f32;
        let units: f32 = text
            .chars()
            .map(|c| {
                face.glyph_index(c)
                    .and_then(|g| face.glyph_hor_advance(g))
                    .unwrap_or(face.units_per_em() / 2) as f32
            })
            .sum();
        units / per_em * size * PT_TO_MM
    }

    /// `text` shortened with "…" to fit `max` mm.
    fn clip(&self, text: &str, size: f32, max: f32) -> String {
        if self.width(text, size) <= max {
            return text.to_string();
        }
        let mut out: String = text.to_string();
        while !out.is_empty() && self.width(&format!("{out}…"), size) > max {
            out.pop();
        }
        format!("{out}…")
    }

    fn layer(&self) -> &PdfLayerReference {
        self.layers.last().expect("a page exists")
    }

    /// Makes room for `height` mm, starting a new page if needed.
    fn room(&mut self, height: f32) {
        if self.y + height > PAGE_H - MARGIN - 6.0 {
            let (page, layer) = self.doc.add_page(Mm(PAGE_W), Mm(PAGE_H), "text");
            self.layers.push(self.doc.get_page(page).get_layer(layer));
            self.y = MARGIN;
        }
    }

    /// One line of cells: `(text, x offset from the left margin, width)` in mm.
    pub fn row(&mut self, cells: &[(&str, f32, f32)], size: f32) {
        let line = size * PT_TO_MM * 1.45;
        self.room(line);
        self.y += line;
        for (text, x, w) in cells {
            let t = self.clip(text, size, *w);
            self.layer()
                .use_text(t, size, Mm(MARGIN + x), Mm(PAGE_H - self.y), &self.font);
        }
    }

    /// `text` broken at word boundaries into lines no wider than `max` mm (a word
    /// longer than a line is cut).
    pub fn wrap(&self, text: &str, size: f32, max: f32) -> Vec<String> {
        let mut lines = vec![];
        let mut line = String::new();
        for word in text.split_whitespace() {
            let candidate = if line.is_empty() {
                word.to_string()
            } else {
                format!("{line} {word}")
            };
            if self.width(&candidate, size) > max && !line.is_empty() {
                lines.push(std::mem::replace(&mut line, word.to_string()));
            } else {
                line = candidate;
            }
        }
        if !line.is_empty() || lines.is_empty() {
            lines.push(line);
        }
        lines
    }

    /// A paragraph wrapped to the text width.
    pub fn para(&mut self, text: &str, size: f32) {
        let max = PAGE_W - 2.0 * MARGIN;
        for line in self.wrap(text, size, max) {
            self.row(&[(&line, 0.0, max)], size);
        }
    }

    /// A label and its value, the value wrapped in its column (nothing is cut).
    pub fn field(&mut self, label: &str, value: &str, x: f32, label_w: f32, size: f32) {
        let value_w = PAGE_W - 2.0 * MARGIN - x - label_w - 2.0;
        for (i, line) in self.wrap(value, size, value_w).iter().enumerate() {
            let l = if i == 0 { label } else { "" };
            self.row(&[(l, x, label_w), (line, x + label_w + 2.0, value_w)], size);
        }
    }

    pub fn gap(&mut self, mm: f32) {
        self.y += mm;
    }

    /// Adds "page N / M" footers and writes the file.
    pub fn save(self, path: &Path, page_label: impl Fn(usize, usize) -> String) -> Result<()> {
        let total = self.layers.len();
        for (i, layer) in self.layers.iter().enumerate() {
            let label = page_label(i + 1, total);
            let w = self.width(&label, 8.0);
            layer.use_text(
                label,
                8.0,
                Mm(PAGE_W - MARGIN - w),
                Mm(MARGIN / 2.0),
                &self.font,
            );
        }
        let bytes = self.doc.save_to_bytes().map_err(pdf_err)?;
        std::fs::write(path, bytes)?;
        Ok(())
    }
}

fn page_label(l: &Localizer) -> impl Fn(usize, usize) -> String + '_ {
    |n, total| {
        l.tr(
            "report-page",
            &[
                ("page", Arg::Num(n as i64)),
                ("pages", Arg::Num(total as i64)),
            ],
        )
    }
}

/// The donor report: summary table, each indicator's breakdowns, and the stamp.
pub fn write_pdf(report: &Report, path: &Path, l: &Localizer) -> Result<()> {
    let mut p = Pages::new(&report.project)?;
    let full = PAGE_W - 2.0 * MARGIN;
    p.para(&format!("{} — {}", report.project, report.donor), 16.0);
    p.row(
        &[(
            &format!(
                "{} {} – {} · {} {}",
                l.tr("report-period", &[]),
                report.from,
                report.to,
                l.tr("report-reference-date", &[]),
                report.reference_date
            ),
            0.0,
            full,
        )],
        10.0,
    );
    p.gap(4.0);
    let cols = [0.0, 74.0, 112.0, 130.0, 148.0];
    let widths = [72.0, 36.0, 16.0, 16.0, 26.0];
    let head: Vec<String> = [
        "report-indicator",
        "report-unit",
        "report-value",
        "report-target",
        "report-percent",
    ]
    .iter()
    .map(|id| l.tr(id, &[]))
    .collect();
    let cells: Vec<(&str, f32, f32)> = head
        .iter()
        .enumerate()
        .map(|(i, h)| (h.as_str(), cols[i], widths[i]))
        .collect();
    p.row(&cells, 9.0);
    for ind in &report.indicators {
        let unit = l.tr(&format!("report-unit-{}", ind.unit), &[]);
        let value = ind.value.to_string();
        let target = ind.target.to_string();
        let percent = format!("{:.0} %", ind.percent);
        p.row(
            &[
                (&ind.name, cols[0], widths[0]),
                (&unit, cols[1], widths[1]),
                (&value, cols[2], widths[2]),
                (&target, cols[3], widths[3]),
                (&percent, cols[4], widths[4]),
            ],
            10.0,
        );
    }
    for ind in &report.indicators {
        p.gap(5.0);
        let unit = l.tr(&format!("report-unit-{}", ind.unit), &[]);
        p.para(&format!("{} ({unit}): {}", ind.name, ind.value), 12.0);
        if ind.erased_left_out > 0 {
            let n = kopa_i18n::Arg::Num(ind.erased_left_out);
            p.para(&l.tr("report-erased-note", &[("n", n)]), 9.0);
        }
        for dim in crate::write::dimensions(report) {
            let dim = dim.as_str();
            let Some(cells) = ind.breakdown.get(dim) else {
                continue;
            };
            let text = cells
                .iter()
                .map(|(c, v)| format!("{} {v}", crate::category_label(dim, c, report, l)))
                .collect::<Vec<_>>()
                .join(" · ");
            p.para(
                &format!("{}: {text}", crate::write::dimension_label(dim, report, l)),
                9.0,
            );
        }
    }
    p.gap(6.0);
    p.para(&l.tr("report-sheet-stamp", &[]), 12.0);
    for (peer, heard) in &report.last_heard {
        p.row(
            &[
                (peer, 0.0, 80.0),
                (heard.as_deref().unwrap_or("—"), 82.0, full - 82.0),
            ],
            9.0,
        );
    }
    p.para(
        &l.tr(
            "report-stamp-heads",
            &[
                ("documents", Arg::Num(report.computed_from.len() as i64)),
                ("digest", Arg::Str(&heads_digest(report))),
            ],
        ),
        9.0,
    );
    p.save(path, page_label(l))
}

/// A short fingerprint of the document heads a report was computed from (the JSON
/// and XLSX outputs carry the heads in full).
pub fn heads_digest(report: &Report) -> String {
    use sha2::{Digest, Sha256};
    let mut h = Sha256::new();
    for (doc, heads) in &report.computed_from {
        h.update(doc.as_bytes());
        for x in heads {
            h.update(b" ");
            h.update(x.as_bytes());
        }
        h.update(b"\n");
    }
    h.finalize()[..8]
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// Everything held about one family (the registry's subject-access JSON), as a PDF
/// for a data-protection request: one section per part, one line per field.
pub fn write_subject_access_pdf(
    data: &serde_json::Value,
    path: &Path,
    l: &Localizer,
) -> Result<()> {
    let title = l.tr("report-subject-access", &[]);
    let mut p = Pages::new(&title)?;
    p.para(&title, 16.0);
    p.gap(2.0);
    walk(&mut p, l, None, data, 0);
    p.save(path, page_label(l))
}

/// A field's translated label where there is one (`field-<key>`), else the key.
fn key_label(key: &str, l: &Localizer) -> String {
    let id = format!("field-{key}");
    if l.has(&id) {
        l.tr(&id, &[])
    } else {
        key.replace('_', " ")
    }
}

fn walk(p: &mut Pages, l: &Localizer, key: Option<&str>, v: &serde_json::Value, depth: usize) {
    use serde_json::Value;
    let label = key.map(|k| key_label(k, l));
    let key = label.as_deref();
    let indent = 6.0 * depth as f32;
    let full = PAGE_W - 2.0 * MARGIN - indent;
    match v {
        Value::Object(map) => {
            if let Some(k) = key {
                p.gap(1.5);
                p.row(&[(k, indent, full)], 11.0);
            }
            for (k, child) in map {
                walk(p, l, Some(k), child, depth + usize::from(key.is_some()));
            }
        }
        Value::Array(items) => {
            if let Some(k) = key {
                p.gap(1.5);
                p.row(&[(k, indent, full)], 11.0);
            }
            for (i, child) in items.iter().enumerate() {
                let label = format!("{}", i + 1);
                walk(p, l, Some(&label), child, depth + 1);
            }
        }
        scalar => {
            let text = match scalar {
                Value::String(s) => s.clone(),
                Value::Null => "—".into(),
                other => other.to_string(),
            };
            p.field(key.unwrap_or(""), &text, indent, 50.0, 9.5);
        }
    }
}
