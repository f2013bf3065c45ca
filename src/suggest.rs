//! "Did you mean" suggestions: the nearest known name by edit distance.

/// Optimal-string-alignment distance (Levenshtein plus adjacent swaps),
/// giving up once it exceeds `limit`.
#[must_use]
pub fn edit_distance(a: &str, b: &str, limit: usize) -> Option<usize> {
    // Names are short and mostly ASCII: compare bytes with rows on the
    // stack, so that ranking many candidates allocates nothing.
    if a.is_ascii() && b.is_ascii() && b.len() < SHORT {
        let mut rows = [[0usize; SHORT]; 3];
        let [prev2, prev, cur] = &mut rows;
        return osa(a.as_bytes(), b.as_bytes(), limit, prev2, prev, cur);
    }
    let a: Vec<char> = a.chars().collect();
    let b: Vec<char> = b.chars().collect();
    let width = b.len() + 1;
    let (mut prev2, mut prev, mut cur) = (vec![0; width], vec![0; width], vec![0; width]);
    osa(&a, &b, limit, &mut prev2, &mut prev, &mut cur)
}

/// Names shorter than this are compared without allocating.
const SHORT: usize = 64;

fn osa<T: PartialEq>(
    a: &[T],
    b: &[T],
    limit: usize,
    prev2: &mut [usize],
    prev: &mut [usize],
    cur: &mut [usize],
) -> Option<usize> {
    if a.len().abs_diff(b.len()) > limit {
        return None;
    }
    let (mut prev2, mut prev, mut cur) = (prev2, prev, cur);
    for (j, p) in prev.iter_mut().take(b.len() + 1).enumerate() {
        *p = j;
    }
    for i in 1..=a.len() {
        cur[0] = i;
        let mut row_min = cur[0];
        for j in 1..=b.len() {
            let cost = usize::from(a[i - 1] != b[j - 1]);
            let mut best = (prev[j] + 1).min(cur[j - 1] + 1).min(prev[j - 1] + cost);
            if i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] {
                best = best.min(prev2[j - 2] + 1);
            }
            cur[j] = best;
            row_min = row_min.min(best);
        }
        if row_min > limit {
            return None;
        }
        std::mem::swap(&mut prev2, &mut prev);
        std::mem::swap(&mut prev, &mut cur);
    }
    let distance = prev[b.len()];
    (distance <= limit).then_some(distance)
}

/// The candidate nearest to `name` within a distance that scales with its
/// length (a third of it, at least 1), if any. Ties go to the first candidate.
pub fn closest<'a>(name: &str, candidates: impl IntoIterator<Item = &'a str>) -> Option<&'a str> {
    let length = name.chars().count();
    let mut limit = (length / 3).max(1);
    let name = name.to_ascii_lowercase();
    let mut best: Option<(usize, &str)> = None;
    for candidate in candidates {
        // Lengths alone rule most candidates out, without allocating.
        if candidate.chars().count().abs_diff(length) > limit {
            continue;
        }
        if let Some(d) = edit_distance(&name, &candidate.to_ascii_lowercase(), limit)
            && best.is_none_or(|(b, _)| d < b)
        {
            best = Some((d, candidate));
            // Later candidates must do better than this one.
            limit = d.saturating_sub(1);
            if d == 0 {
                break;
            }
        }
    }
    best.map(|(_, c)| c)
}

/// Files with more unknown names than this get suggestions for the first
/// ones only: such a file is no configuration of that kind, and ranking
/// every name would cost more than reading it.
pub const MAX_SUGGESTIONS_PER_FILE: usize = 64;

/// `; did you mean `x`?` for the nearest candidate, or nothing.
pub fn did_you_mean<'a>(name: &str, candidates: impl IntoIterator<Item = &'a str>) -> String {
    closest(name, candidates).map_or_else(String::new, |s| format!("; did you mean `{s}`?"))
}

/// "Did you mean" for many names against one list of candidates, at a
/// cost bounded by the list: each distinct name is ranked once, and only
/// the first [`MAX_SUGGESTIONS_PER_FILE`] distinct names are ranked at
/// all. A file with thousands of unknown names is no hand-written
/// configuration, and ranking each against thousands of candidates would
/// cost more than reading it.
pub struct Suggester<'a> {
    candidates: Vec<&'a str>,
    ranked: std::collections::HashMap<String, Option<&'a str>>,
}

impl<'a> Suggester<'a> {
    pub fn new(candidates: impl IntoIterator<Item = &'a str>) -> Self {
        Self {
            candidates: candidates.into_iter().collect(),
            ranked: std::collections::HashMap::new(),
        }
    }

    /// The candidate nearest to `name` (see [`closest`]), if it is ranked.
    pub fn closest(&mut self, name: &str) -> Option<&'a str> {
        if let Some(found) = self.ranked.get(name) {
            return *found;
        }
        if self.ranked.len() >= MAX_SUGGESTIONS_PER_FILE {
            return None;
        }
        let found = closest(name, self.candidates.iter().copied());
        self.ranked.insert(name.to_string(), found);
        found
    }

    /// `; did you mean `x`?` for the nearest candidate, or nothing.
    pub fn did_you_mean(&mut self, name: &str) -> String {
        self.closest(name)
            .map_or_else(String::new, |s| format!("; did you mean `{s}`?"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn distances() {
        assert_eq!(edit_distance("kitten", "sitting", 5), Some(3));
        assert_eq!(edit_distance("ab", "ba", 5), Some(1));
        assert_eq!(edit_distance("abc", "abcdefgh", 2), None);
        assert_eq!(edit_distance("", "", 0), Some(0));
        assert_eq!(edit_distance("café", "cafe", 2), Some(1));
        let long = "x".repeat(100);
        assert_eq!(edit_distance(&long, &format!("{long}y"), 2), Some(1));
    }

    #[test]
    fn suggestions() {
        assert_eq!(
            closest("adress", ["address", "addresses", "role"]),
            Some("address")
        );
        assert_eq!(closest("zzz", ["address"]), None);
    }

    #[test]
    fn a_suggester_ranks_a_bounded_number_of_names() {
        let mut suggester = Suggester::new(["address", "port"]);
        assert_eq!(
            suggester.did_you_mean("adress"),
            "; did you mean `address`?"
        );
        assert_eq!(
            suggester.did_you_mean("adress"),
            "; did you mean `address`?"
        );
        for i in 0..MAX_SUGGESTIONS_PER_FILE {
            suggester.closest(&format!("name{i}"));
        }
        // Names seen before keep their suggestion; new ones get none.
        assert_eq!(suggester.closest("adress"), Some("address"));
        assert_eq!(suggester.closest("prot"), None);
    }
}
