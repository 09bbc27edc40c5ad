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
    let mut months: BTreeMap<String, i64> = (1..=today.0.month() as u8)
        .map(|m| (format!("{year}-{m:02}"), 0))
        .collect();
    months.extend(reg.attendance_by_month(from, today)?);
    let persons_by_target_group = reg.persons_by_target_group(from, today)?;
    Ok(Dashboard {
        year,
        indicators,
        attendance_by_month: months.into_iter().collect(),
        persons_by_target_group,
    })
}
