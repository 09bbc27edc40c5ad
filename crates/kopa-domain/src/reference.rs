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
