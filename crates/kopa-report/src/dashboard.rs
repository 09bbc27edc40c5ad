//! The desktop dashboard's figures: indicator progress of every project running in a
//! year, attendances per month, and distinct persons by target group.

use crate::compute::compute;
use crate::Result;
use kopa_domain::Date;
use kopa_registry::Registry;
use serde::Serialize;
use std::collections::BTreeMap;

#[derive(Clone, Debug, PartialEq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct IndicatorProgress {
    pub project: String,
    pub name: String,
    pub unit: String,
    pub value: i64,
    pub target: i64,
    pub percent: f64,
}

#[derive(Clone, Debug, PartialEq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct Dashboard {
    pub year: i32,
    pub indicators: Vec<IndicatorProgress>,
    /// `(YYYY-MM, attendances)` for each month of the year up to today.
    pub attendance_by_month: Vec<(String, i64)>,
    /// `(target group code, distinct persons who attended this year)`.
    pub persons_by_target_group: Vec<(String, i64)>,
}

pub fn dashboard(reg: &mut Registry, today: Date) -> Result<Dashboard> {
    let year = today.year();
    let from: Date = format!("{year}-01-01").parse().expect("a valid date");
    let mut indicators = vec![];
    for p in reg.list_projects()? {
        let (Ok(start), Ok(end)) = (p.start.parse::<Date>(), p.end.parse::<Date>()) else {
            continue;
        };
        if start > today || end < from {
            continue;
        }
        let pid =
            p.id.parse()
                .map_err(|_| kopa_registry::Error::Corrupt(format!("project id {}", p.id)))?;
        let report = compute(reg, pid, start.max(from), end.min(today), today)?;
        for i in report.indicators {
            indicators.push(IndicatorProgress {
                project: p.name.clone(),
                name: i.name,
                unit: i.unit,
                value: i.value,
                target: i.target,
                percent: i.percent,
            });
        }
    }
    let conn = reg.connection();
    let mut months: BTreeMap<String, i64> = (1..=today.0.month() as u8)
        .map(|m| (format!("{year}-{m:02}"), 0))
        .collect();
    let mut s = conn.prepare(
        "SELECT substr(s.date, 1, 7), count(*) FROM p_attendance a JOIN p_sessions s ON s.id = a.session_id
         WHERE s.date BETWEEN ?1 AND ?2 GROUP BY 1",
    )?;
    let (f, t) = (from.to_string(), today.to_string());
    for row in s.query_map([&f, &t], |r| {
        Ok((r.get::<_, String>(0)?, r.get::<_, i64>(1)?))
    })? {
        let (m, n) = row?;
        months.insert(m, n);
    }
    let mut s = conn.prepare(
        "SELECT g.value, count(DISTINCT a.person_id)
         FROM p_attendance a JOIN p_sessions s ON s.id = a.session_id
         JOIN p_persons p ON p.id = a.person_id
         JOIN p_family_tags g ON g.family_id = p.family_id AND g.kind = 'target-group'
         WHERE s.date BETWEEN ?1 AND ?2 GROUP BY 1 ORDER BY 2 DESC",
    )?;
    let persons_by_target_group = s
        .query_map([&f, &t], |r| Ok((r.get(0)?, r.get(1)?)))?
        .collect::<rusqlite::Result<_>>()?;
    Ok(Dashboard {
        year,
        indicators,
        attendance_by_month: months.into_iter().collect(),
        persons_by_target_group,
    })
}
