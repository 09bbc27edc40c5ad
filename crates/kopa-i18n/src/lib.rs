//! Translations for everything Rust prints: CLI messages, error messages, report labels.
//!
//! The Fluent files in `assets/locales/<lang>/` are shared with the desktop UI, so a
//! validation code is translated the same way in the terminal and on screen. They are
//! embedded at build time: a replica never needs files beside the binary.

use fluent_bundle::concurrent::FluentBundle;
use fluent_bundle::{FluentArgs, FluentResource, FluentValue};
use std::fmt;
use std::str::FromStr;
use unic_langid::LanguageIdentifier;

/// The languages Kopā speaks. Latvian is the default.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub enum Lang {
    #[default]
    Lv,
    Ru,
    En,
}

impl Lang {
    pub const ALL: [Lang; 3] = [Lang::Lv, Lang::Ru, Lang::En];
    pub fn code(self) -> &'static str {
        match self {
            Lang::Lv => "lv",
            Lang::Ru => "ru",
            Lang::En => "en",
        }
    }
    fn sources(self) -> &'static [&'static str] {
        match self {
            Lang::Lv => &[
                include_str!("../../../assets/locales/lv/errors.ftl"),
                include_str!("../../../assets/locales/lv/cli.ftl"),
                include_str!("../../../assets/locales/lv/report.ftl"),
                include_str!("../../../assets/locales/lv/codes.ftl"),
                include_str!("../../../assets/locales/lv/ui.ftl"),
            ],
            Lang::Ru => &[
                include_str!("../../../assets/locales/ru/errors.ftl"),
                include_str!("../../../assets/locales/ru/cli.ftl"),
                include_str!("../../../assets/locales/ru/report.ftl"),
                include_str!("../../../assets/locales/ru/codes.ftl"),
                include_str!("../../../assets/locales/ru/ui.ftl"),
            ],
            Lang::En => &[
                include_str!("../../../assets/locales/en/errors.ftl"),
                include_str!("../../../assets/locales/en/cli.ftl"),
                include_str!("../../../assets/locales/en/report.ftl"),
                include_str!("../../../assets/locales/en/codes.ftl"),
                include_str!("../../../assets/locales/en/ui.ftl"),
            ],
        }
    }
}

impl fmt::Display for Lang {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.code())
    }
}

impl FromStr for Lang {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s.trim().to_lowercase().as_str() {
            "lv" | "lv-lv" | "latviešu" => Ok(Lang::Lv),
            "ru" | "ru-ru" | "ru-lv" | "русский" => Ok(Lang::Ru),
            "en" | "en-gb" | "en-us" | "english" => Ok(Lang::En),
            other => Err(format!("unknown language '{other}' (lv, ru, en)")),
        }
    }
}

/// A loaded set of messages in one language, with English as the fallback for ids a
/// translation lacks.
pub struct Localizer {
    lang: Lang,
    bundle: FluentBundle<FluentResource>,
    fallback: Option<Box<Localizer>>,
}

/// A message argument.
pub enum Arg<'a> {
    Str(&'a str),
    Num(i64),
}

impl<'a> From<&'a str> for Arg<'a> {
    fn from(s: &'a str) -> Self {
        Arg::Str(s)
    }
}
impl<'a> From<&'a String> for Arg<'a> {
    fn from(s: &'a String) -> Self {
        Arg::Str(s)
    }
}
impl From<i64> for Arg<'_> {
    fn from(n: i64) -> Self {
        Arg::Num(n)
    }
}
impl From<usize> for Arg<'_> {
    fn from(n: usize) -> Self {
        Arg::Num(n as i64)
    }
}

impl Localizer {
    pub fn new(lang: Lang) -> Self {
        let fallback = (lang != Lang::En).then(|| Box::new(Localizer::new(Lang::En)));
        let langid: LanguageIdentifier = lang.code().parse().unwrap_or_default();
        let mut bundle = FluentBundle::new_concurrent(vec![langid]);
        bundle.set_use_isolating(false);
        for src in lang.sources() {
            // The files are ours and tested (see tests below); a syntax error in one
            // would drop only the broken entries, never the whole language.
            let res = match FluentResource::try_new(src.to_string()) {
                Ok(r) => r,
                Err((r, _)) => r,
            };
            let _ = bundle.add_resource(res);
        }
        Self {
            lang,
            bundle,
            fallback,
        }
    }

    pub fn lang(&self) -> Lang {
        self.lang
    }

    pub fn has(&self, id: &str) -> bool {
        self.bundle.has_message(id)
    }

    /// Formats message `id` with `args`; falls back to English, then to the id itself.
    pub fn tr(&self, id: &str, args: &[(&str, Arg<'_>)]) -> String {
        if let Some(msg) = self.bundle.get_message(id) {
            if let Some(pattern) = msg.value() {
                let mut fargs = FluentArgs::new();
                for (k, v) in args {
                    match v {
                        Arg::Str(s) => fargs.set(*k, FluentValue::from(*s)),
                        Arg::Num(n) => fargs.set(*k, FluentValue::from(*n)),
                    }
                }
                let mut errors = vec![];
                return self
                    .bundle
                    .format_pattern(pattern, Some(&fargs), &mut errors)
                    .into_owned();
            }
        }
        match &self.fallback {
            Some(f) => f.tr(id, args),
            None => id.to_string(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_language_parses_and_has_every_english_message() {
        let en_ids = message_ids(Lang::En);
        assert!(
            en_ids.len() > 20,
            "English messages loaded: {}",
            en_ids.len()
        );
        for lang in [Lang::Lv, Lang::Ru] {
            for src in lang.sources() {
                FluentResource::try_new(src.to_string())
                    .unwrap_or_else(|(_, e)| panic!("{lang}: {e:?}"));
            }
            let ids = message_ids(lang);
            let missing: Vec<_> = en_ids.iter().filter(|id| !ids.contains(id)).collect();
            assert!(missing.is_empty(), "{lang} lacks {missing:?}");
        }
    }

    fn message_ids(lang: Lang) -> Vec<String> {
        lang.sources()
            .iter()
            .flat_map(|src| {
                src.lines()
                    .filter(|l| {
                        l.chars().next().is_some_and(|c| c.is_ascii_lowercase()) && l.contains(" =")
                    })
                    .map(|l| l.split(" =").next().unwrap_or("").trim().to_string())
                    .collect::<Vec<_>>()
            })
            .collect()
    }

    #[test]
    fn latvian_plurals_follow_latvian_rules() {
        let lv = Localizer::new(Lang::Lv);
        assert_eq!(
            lv.tr("cli-families-count", &[("count", Arg::Num(1))]),
            "1 ģimene"
        );
        assert_eq!(
            lv.tr("cli-families-count", &[("count", Arg::Num(21))]),
            "21 ģimene"
        );
        assert_eq!(
            lv.tr("cli-families-count", &[("count", Arg::Num(5))]),
            "5 ģimenes"
        );
        assert_eq!(
            lv.tr("cli-families-count", &[("count", Arg::Num(0))]),
            "0 ģimeņu"
        );
        let ru = Localizer::new(Lang::Ru);
        assert_eq!(
            ru.tr("cli-families-count", &[("count", Arg::Num(2))]),
            "2 семьи"
        );
        assert_eq!(
            ru.tr("cli-families-count", &[("count", Arg::Num(5))]),
            "5 семей"
        );
    }
}
