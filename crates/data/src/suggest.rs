//! "Did you mean": the closest name by edit distance.

/// The candidate closest to `name` by Levenshtein distance (case-insensitive), if it is
/// close enough to be a plausible typo (at most a third of the name's length, minimum 2).
pub fn nearest<'a, I>(name: &str, candidates: I) -> Option<String>
where
    I: IntoIterator<Item = &'a str>,
{
    let target = name.to_lowercase();
    let limit = (target.chars().count() / 3).max(2);
    candidates
        .into_iter()
        .map(|c| (levenshtein(&target, &c.to_lowercase()), c))
        .filter(|(d, _)| *d <= limit)
        .min_by_key(|(d, _)| *d)
        .map(|(_, c)| c.to_string())
}

/// Names for a message: backquoted, comma-separated, the first 40 and a count of the
/// rest (a wide file's header is not worth a screenful).
pub fn list(names: &[String]) -> String {
    const SHOWN: usize = 40;
    let mut out: Vec<String> = names.iter().take(SHOWN).map(|n| format!("`{n}`")).collect();
    if names.len() > SHOWN {
        out.push(format!("and {} more", names.len() - SHOWN));
    }
    out.join(", ")
}

fn levenshtein(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    let mut cur = vec![0; b.len() + 1];
    for (i, ca) in a.chars().enumerate() {
        cur[0] = i + 1;
        for (j, cb) in b.iter().enumerate() {
            let sub = prev[j] + usize::from(ca != *cb);
            cur[j + 1] = sub.min(prev[j + 1] + 1).min(cur[j] + 1);
        }
        std::mem::swap(&mut prev, &mut cur);
    }
    prev[b.len()]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn suggests_close_names_only() {
        let cols = ["trade", "exporter", "importer", "year"];
        assert_eq!(nearest("trad", cols), Some("trade".into()));
        assert_eq!(nearest("Exportr", cols), Some("exporter".into()));
        assert_eq!(nearest("gdp_per_capita", cols), None);
    }

    #[test]
    fn lists_names_and_counts_the_rest() {
        let names: Vec<String> = (0..45).map(|i| format!("c{i}")).collect();
        assert_eq!(list(&names[..2]), "`c0`, `c1`");
        let long = list(&names);
        assert!(
            long.starts_with("`c0`, `c1`") && long.ends_with("`c39`, and 5 more"),
            "{long}"
        );
    }
}
