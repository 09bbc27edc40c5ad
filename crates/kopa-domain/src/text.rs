//! Text folding for search: one key for "Krāslava" and "Kraslava", for "Иванов" and
//! "Ivanovs", for "Сергей" and "Sergejs".
//!
//! Folding: lower case → Cyrillic transliterated the Latvian way (ш → š, ж → ž,
//! й → j, х → h) → diacritics removed → common English digraphs (sh, ch, zh, kh) and
//! y/w folded → only letters and digits kept. A token's *stem* also drops the Latvian
//! nominative `-s` (Ivanovs → ivanov), which Russian spellings do not carry.

/// Lower-cases, transliterates and strips diacritics; returns the folded words.
pub fn fold_words(s: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut cur = String::new();
    for ch in s.chars().flat_map(char::to_lowercase) {
        match translit(ch) {
            Some(rep) => cur.push_str(rep),
            None if ch.is_ascii_alphanumeric() => cur.push(ch),
            None if ch.is_alphanumeric() => {} // other scripts: drop the letter, keep the word
            None => {
                if !cur.is_empty() {
                    out.push(latin_digraphs(&cur));
                    cur.clear();
                }
            }
        }
    }
    if !cur.is_empty() {
        out.push(latin_digraphs(&cur));
    }
    out
}

/// Folds a whole string into one space-separated key.
pub fn fold(s: &str) -> String {
    fold_words(s).join(" ")
}

/// The search stem of a folded word: the Latvian nominative `-s` removed.
pub fn stem(word: &str) -> String {
    if word.len() > 3 && word.ends_with('s') && !word.ends_with("ss") {
        word[..word.len() - 1].to_string()
    } else {
        word.to_string()
    }
}

/// The search tokens of a text: stems of its folded words.
pub fn tokens(s: &str) -> Vec<String> {
    fold_words(s).iter().map(|w| stem(w)).collect()
}

/// Each word of a text as typed (lower case) with its search stem.
pub fn words(s: &str) -> Vec<(String, String)> {
    s.split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .filter_map(|w| {
            let folded = fold_words(w).concat();
            (!folded.is_empty()).then(|| (w.to_lowercase(), stem(&folded)))
        })
        .collect()
}

/// Every string obtained by deleting one character (the symmetric-delete typo index).
pub fn deletions(word: &str) -> Vec<String> {
    let chars: Vec<char> = word.chars().collect();
    let mut out: Vec<String> = (0..chars.len())
        .map(|i| {
            chars
                .iter()
                .enumerate()
                .filter(|(j, _)| *j != i)
                .map(|(_, c)| *c)
                .collect()
        })
        .collect();
    out.sort();
    out.dedup();
    out
}

/// Levenshtein distance, with the adjacent transposition counted as one edit,
/// capped: returns `limit + 1` as soon as the distance exceeds `limit`.
pub fn edit_distance(a: &str, b: &str, limit: usize) -> usize {
    let a: Vec<char> = a.chars().collect();
    let b: Vec<char> = b.chars().collect();
    if a.len().abs_diff(b.len()) > limit {
        return limit + 1;
    }
    let mut prev2 = vec![0usize; b.len() + 1];
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    let mut cur = vec![0usize; b.len() + 1];
    for i in 1..=a.len() {
        cur[0] = i;
        let mut row_min = cur[0];
        for j in 1..=b.len() {
            let cost = usize::from(a[i - 1] != b[j - 1]);
            let mut v = (prev[j] + 1).min(cur[j - 1] + 1).min(prev[j - 1] + cost);
            if i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] {
                v = v.min(prev2[j - 2] + 1);
            }
            cur[j] = v;
            row_min = row_min.min(v);
        }
        if row_min > limit {
            return limit + 1;
        }
        std::mem::swap(&mut prev2, &mut prev);
        std::mem::swap(&mut prev, &mut cur);
    }
    prev[b.len()].min(limit + 1)
}

fn latin_digraphs(w: &str) -> String {
    w.replace("sh", "s")
        .replace("ch", "c")
        .replace("zh", "z")
        .replace("kh", "h")
        .replace('y', "j")
        .replace('w', "v")
        .replace('q', "k")
}

fn translit(ch: char) -> Option<&'static str> {
    Some(match ch {
        // Latvian and other Latin diacritics
        'ā' | 'à' | 'á' | 'â' | 'ä' | 'ã' | 'å' | 'ą' => "a",
        'č' | 'ć' | 'ç' => "c",
        'ē' | 'è' | 'é' | 'ê' | 'ë' | 'ę' | 'ė' => "e",
        'ģ' | 'ğ' => "g",
        'ī' | 'ì' | 'í' | 'î' | 'ï' | 'į' | 'ı' => "i",
        'ķ' => "k",
        'ļ' | 'ł' => "l",
        'ņ' | 'ñ' | 'ń' => "n",
        'ō' | 'ò' | 'ó' | 'ô' | 'ö' | 'õ' => "o",
        'ŗ' | 'ř' => "r",
        'š' | 'ś' | 'ş' => "s",
        'ū' | 'ù' | 'ú' | 'û' | 'ü' | 'ų' => "u",
        'ž' | 'ź' | 'ż' => "z",
        'ß' => "ss",
        // Cyrillic (Russian, Belarusian, Ukrainian letters), Latvian transliteration
        'а' => "a",
        'б' => "b",
        'в' => "v",
        'г' | 'ґ' => "g",
        'д' => "d",
        'е' | 'э' | 'є' => "e",
        'ё' => "jo",
        'ж' => "z",
        'з' => "z",
        'и' | 'і' | 'ы' => "i",
        'ї' => "ji",
        'й' => "j",
        'к' => "k",
        'л' => "l",
        'м' => "m",
        'н' => "n",
        'о' => "o",
        'п' => "p",
        'р' => "r",
        'с' => "s",
        'т' => "t",
        'у' | 'ў' => "u",
        'ф' => "f",
        'х' => "h",
        'ц' => "c",
        'ч' => "c",
        'ш' => "s",
        'щ' => "sc",
        'ъ' | 'ь' => "",
        'ю' => "ju",
        'я' => "ja",
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn diacritics_and_case_fold() {
        assert_eq!(fold("Krāslava"), "kraslava");
        assert_eq!(fold("KRĀSLAVA"), fold("kraslava"));
        assert_eq!(fold("Ļuda Šņepste-Ģirģe"), "luda snepste girge");
    }

    #[test]
    fn cyrillic_and_latvian_spellings_share_a_stem() {
        assert_eq!(tokens("Иванов"), tokens("Ivanovs"));
        assert_eq!(tokens("Сергей"), tokens("Sergejs"));
        assert_eq!(tokens("Александр Кузнецов"), tokens("Aleksandrs Kuzņecovs"));
        assert_eq!(tokens("Юлия"), tokens("Jūlija"));
        assert_eq!(tokens("Sergey"), tokens("Sergejs"));
    }

    #[test]
    fn deletions_cover_one_typo() {
        let d = deletions("anna");
        assert!(d.contains(&"ana".to_string()));
        assert!(d.contains(&"ann".to_string()));
        assert_eq!(d.len(), 3, "duplicates removed: {d:?}");
    }

    #[test]
    fn edit_distance_counts_transpositions_once() {
        assert_eq!(edit_distance("ivanov", "ivanov", 1), 0);
        assert_eq!(edit_distance("ivanov", "ivamov", 1), 1);
        assert_eq!(edit_distance("ivanov", "ivnaov", 1), 1);
        assert_eq!(edit_distance("ivanov", "ivano", 1), 1);
        assert_eq!(edit_distance("ivanov", "petrov", 1), 2);
    }
}
