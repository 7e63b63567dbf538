//! "Did you mean …?": the known word nearest to a typo, for every hint that offers one.

/// The known word nearest to `word`, if it is near enough to be a plausible typo: case is
/// ignored, a swap of two letters counts as one edit, short words (three letters or fewer) allow
/// one edit and longer ones two, and a word that is a prefix of a known one (or the other way
/// round: `items` for `item`) is always near.
pub fn closest<'k>(word: &str, known: &[&'k str]) -> Option<&'k str> {
    let lower = word.to_ascii_lowercase();
    let (best, distance) = known
        .iter()
        .map(|k| (*k, edit_distance(&lower, k)))
        .min_by_key(|(_, d)| *d)?;
    let allowed = if lower.chars().count() <= 3 { 1 } else { 2 };
    (distance <= allowed || best.starts_with(&lower) || lower.starts_with(best)).then_some(best)
}

/// Optimal string alignment distance: insertions, deletions, substitutions and swaps of two
/// neighbours cost 1. Words are cut at 64 characters, so a pasted paragraph stays cheap.
pub fn edit_distance(a: &str, b: &str) -> usize {
    let a: Vec<char> = a.chars().take(64).collect();
    let b: Vec<char> = b.chars().take(64).collect();
    let mut d = vec![vec![0usize; b.len() + 1]; a.len() + 1];
    for (i, row) in d.iter_mut().enumerate() {
        row[0] = i;
    }
    for (j, cell) in d[0].iter_mut().enumerate() {
        *cell = j;
    }
    for i in 1..=a.len() {
        for j in 1..=b.len() {
            let cost = usize::from(a[i - 1] != b[j - 1]);
            let mut best = (d[i - 1][j] + 1)
                .min(d[i][j - 1] + 1)
                .min(d[i - 1][j - 1] + cost);
            if i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] {
                best = best.min(d[i - 2][j - 2] + 1);
            }
            d[i][j] = best;
        }
    }
    d[a.len()][b.len()]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn suggests_near_keys_only() {
        let known = ["id", "text", "required", "commands", "item"];
        assert_eq!(closest("txt", &known), Some("text"));
        assert_eq!(closest("requried", &known), Some("required"));
        assert_eq!(closest("items", &known), Some("item"));
        assert_eq!(closest("Text", &known), Some("text"));
        assert_eq!(closest("colour", &known), None);
    }

    #[test]
    fn config_words() {
        let known = ["interval", "timeout"];
        assert_eq!(closest("intervl", &known), Some("interval"));
        assert_eq!(closest("zzz", &known), None);
        assert_eq!(closest("htp", &["http", "sql", "redis"]), Some("http"));
        assert_eq!(
            closest("probes", &["store", "ui", "env", "probe"]),
            Some("probe")
        );
        // two letters are not a typo of any two-letter key
        assert_eq!(closest("zz", &["ui", "id"]), None);
    }

    #[test]
    fn a_swap_is_one_edit() {
        assert_eq!(edit_distance("ab", "ba"), 1);
        assert_eq!(edit_distance("kitten", "sitting"), 3);
        assert_eq!(edit_distance("", "abc"), 3);
    }
}
