//! Built-in reference data every replica starts with. HQ's reference document can add
//! to it; it never needs the network to know Latgale's municipalities.

/// Municipalities (Latvian names as in the 2021 administrative reform, plus partner
/// regions). Matched ignoring case and diacritics.
pub const MUNICIPALITIES: &[&str] = &[
    "Daugavpils",
    "Rēzekne",
    "Augšdaugavas novads",
    "Balvu novads",
    "Krāslavas novads",
    "Līvānu novads",
    "Ludzas novads",
    "Preiļu novads",
    "Rēzeknes novads",
    "Krāslava",
    "Preiļi",
    "Ilūkste",
    "Ludza",
    "Balvi",
    "Līvāni",
    "Dagda",
    "Aglona",
    "Viļāni",
    "Rīga",
    "Jelgava",
    "Jēkabpils",
    "Jūrmala",
    "Liepāja",
    "Ogre",
    "Valmiera",
    "Ventspils",
    "Grodno",
];

/// Municipalities as they were named until the 2021 administrative reform
/// (30 June 2021), each with the one it became part of. Records of that time keep
/// the old name; a report on the new municipality counts them too.
pub const FORMER_MUNICIPALITIES: &[(&str, &str)] = &[
    ("Daugavpils novads", "Augšdaugavas novads"),
    ("Ilūkstes novads", "Augšdaugavas novads"),
    ("Dagdas novads", "Krāslavas novads"),
    ("Aglonas novads", "Preiļu novads"),
    ("Riebiņu novads", "Preiļu novads"),
    ("Vārkavas novads", "Preiļu novads"),
    ("Viļānu novads", "Rēzeknes novads"),
    ("Ciblas novads", "Ludzas novads"),
    ("Kārsavas novads", "Ludzas novads"),
    ("Zilupes novads", "Ludzas novads"),
    ("Baltinavas novads", "Balvu novads"),
    ("Rugāju novads", "Balvu novads"),
    ("Viļakas novads", "Balvu novads"),
];

/// The last day the former municipalities existed.
pub const REFORM_2021: &str = "2021-06-30";

/// Activity types seen in the branches' projects.
pub const ACTIVITY_TYPES: &[&str] = &[
    "family-support",
    "senior-club",
    "language-history",
    "youth-sports",
    "book-club",
    "handicraft",
    "learning-club",
    "young-parents",
    "civic-participation",
    "healthy-lifestyle",
    "intergenerational",
];

/// Languages a family may speak (ISO 639-1).
pub const LANGUAGES: &[&str] = &["lv", "ru", "ltg", "be", "uk", "pl", "lt", "en", "de"];

/// Guest categories counted at sessions without registration.
pub const GUEST_CATEGORIES: &[&str] = &["adult", "child", "senior", "volunteer", "other"];
