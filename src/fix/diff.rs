//! Unified diffs of a file before and after a set of replacements, in the
//! form `git apply` and `patch -p1` take: a `diff --git` header, renames
//! named git's way, hunks with context. The replacements say which lines
//! change, so no line-matching search is needed and a fix in a large file
//! stays cheap. Lines that hold a secret are never printed: context stops
//! before them, so what is shown is also what applies (a change right next
//! to one has no context, for `patch -p1` or `git apply --unidiff-zero`).

use std::fmt::Write as _;

/// Lines of context around each change, as `diff -u` prints.
const CONTEXT: usize = 3;

/// The diff of `before` with `edits` (sorted, non-overlapping `(start,
/// end, text)` byte replacements) applied, the file renamed from `from`
/// to `to` (relative paths get git's `a/` and `b/`). `hidden(line)` says
/// whether a zero-based line of `before` holds a secret: such a line is
/// left out of the context. `None` when a changed line holds one (the
/// change cannot be shown); empty when nothing changes.
#[must_use]
pub fn unified(
    from: &str,
    to: &str,
    before: &str,
    edits: &[(usize, usize, &str)],
    hidden: &dyn Fn(usize) -> bool,
) -> Option<String> {
    let script = script(before, edits, hidden);
    let changes = script.iter().any(|l| !matches!(l, Line::Same(..)));
    if changes
        && script
            .iter()
            .any(|l| matches!(l, Line::Removed(_, true) | Line::Added(_, true)))
    {
        return None;
    }
    let mut out = String::new();
    let relative = !from.starts_with('/') && !to.starts_with('/');
    if relative && (changes || from != to) {
        let _ = writeln!(out, "diff --git a/{from} b/{to}");
    }
    if from != to {
        let _ = writeln!(out, "rename from {from}\nrename to {to}");
    }
    if !changes {
        return Some(out);
    }
    let side = |prefix: &str, path: &str| {
        if path.starts_with('/') {
            path.to_string()
        } else {
            format!("{prefix}{path}")
        }
    };
    let _ = writeln!(out, "--- {}\n+++ {}", side("a/", from), side("b/", to));
    for hunk in hunks(&script) {
        write_hunk(&mut out, &hunk);
    }
    Some(out)
}

/// Lines `first..=last` and the edits inside them.
type Run<'e> = (usize, usize, Vec<(usize, usize, &'e str)>);

/// A line of the script, with whether it holds a secret.
#[derive(Clone, Debug, PartialEq, Eq)]
enum Line<'a> {
    Same(&'a str, bool),
    Removed(&'a str, bool),
    Added(String, bool),
}

/// The line script from `before` to the edited text: lines no edit
/// touches are the same; each run of touched lines is removed and its
/// edited version added, minus the lines both share at its ends.
fn script<'a>(
    before: &'a str,
    edits: &[(usize, usize, &str)],
    hidden: &dyn Fn(usize) -> bool,
) -> Vec<Line<'a>> {
    let lines: Vec<&str> = before.split_inclusive('\n').collect();
    let mut starts = Vec::with_capacity(lines.len() + 1);
    let mut at = 0;
    for line in &lines {
        starts.push(at);
        at += line.len();
    }
    starts.push(before.len());
    // The line holding `offset`; the end of a text ending in a line break
    // is the empty line after it, otherwise the end is on the last line.
    let line_of = |offset: usize| {
        let line = starts.partition_point(|&s| s <= offset).saturating_sub(1);
        if line == lines.len() && !lines.is_empty() && !before.ends_with('\n') {
            line - 1
        } else {
            line
        }
    };
    let mut runs: Vec<Run<'_>> = Vec::new();
    for &(start, end, text) in edits {
        let first = line_of(start);
        let last = if end > start { line_of(end - 1) } else { first };
        match runs.last_mut() {
            Some((_, run_last, run_edits)) if first <= *run_last => {
                *run_last = (*run_last).max(last);
                run_edits.push((start, end, text));
            }
            _ => runs.push((first, last, vec![(start, end, text)])),
        }
    }
    let mut script = Vec::with_capacity(lines.len() + 8);
    let mut next = 0;
    for (first, last, run_edits) in runs {
        let first_line = first.min(lines.len());
        script.extend((next..first_line).map(|i| Line::Same(lines[i], hidden(i))));
        let (from, to) = (
            starts[first.min(lines.len())],
            starts[(last + 1).min(lines.len())],
        );
        let old_text = &before[from..to];
        let mut new_text = String::with_capacity(old_text.len() + 64);
        let mut at = from;
        for (start, end, text) in run_edits {
            new_text.push_str(&before[at..start]);
            new_text.push_str(text);
            at = end;
        }
        new_text.push_str(&before[at..to]);
        let old: Vec<&str> = old_text.split_inclusive('\n').collect();
        let new: Vec<&str> = new_text.split_inclusive('\n').collect();
        let head = old.iter().zip(&new).take_while(|(a, b)| a == b).count();
        let tail = old[head..]
            .iter()
            .rev()
            .zip(new[head..].iter().rev())
            .take_while(|(a, b)| a == b)
            .count();
        // A line of the run holds a secret: then so may its edited lines.
        let secret = (first_line..first_line + old.len()).any(hidden);
        let at = |k: usize| hidden(first_line + k);
        script.extend((0..head).map(|k| Line::Same(old[k], at(k))));
        script.extend((head..old.len() - tail).map(|k| Line::Removed(old[k], at(k))));
        script.extend(
            new[head..new.len() - tail]
                .iter()
                .map(|l| Line::Added((*l).to_string(), secret)),
        );
        script.extend((old.len() - tail..old.len()).map(|k| Line::Same(old[k], at(k))));
        next = (last + 1).min(lines.len());
    }
    script.extend((next..lines.len()).map(|i| Line::Same(lines[i], hidden(i))));
    script
}

struct Hunk<'a> {
    old_start: usize,
    new_start: usize,
    lines: Vec<Line<'a>>,
}

/// Groups changed lines with their context; changes closer than twice the
/// context share a hunk, unless a line with a secret lies between them.
/// Context stops before a line with a secret.
fn hunks<'a>(script: &[Line<'a>]) -> Vec<Hunk<'a>> {
    let hidden = |i: usize| matches!(script[i], Line::Same(_, true));
    let changed: Vec<usize> = script
        .iter()
        .enumerate()
        .filter(|(_, l)| !matches!(l, Line::Same(..)))
        .map(|(i, _)| i)
        .collect();
    let mut groups: Vec<(usize, usize)> = Vec::new();
    for &i in &changed {
        match groups.last_mut() {
            Some((_, end)) if i <= *end + 2 * CONTEXT + 1 && !(*end..i).any(hidden) => *end = i,
            _ => groups.push((i, i)),
        }
    }
    groups
        .into_iter()
        .map(|(first, last)| {
            let mut start = first;
            while start > 0 && first - start < CONTEXT && !hidden(start - 1) {
                start -= 1;
            }
            let mut end = last + 1;
            while end < script.len() && end - last - 1 < CONTEXT && !hidden(end) {
                end += 1;
            }
            // A secret right next to the change leaves a side without
            // context, which `git apply` would take for the file's start
            // or end: then the hunk has no context at all, the form
            // `patch` and `git apply --unidiff-zero` take.
            let cut_before = start == first && start > 0;
            let cut_after = end == last + 1 && end < script.len();
            if cut_before || cut_after {
                (start, end) = (first, last + 1);
            }
            let before = &script[..start];
            let old_start = before
                .iter()
                .filter(|l| !matches!(l, Line::Added(..)))
                .count();
            let new_start = before
                .iter()
                .filter(|l| !matches!(l, Line::Removed(..)))
                .count();
            Hunk {
                old_start,
                new_start,
                lines: script[start..end].to_vec(),
            }
        })
        .collect()
}

fn write_hunk(out: &mut String, hunk: &Hunk<'_>) {
    let old_count = hunk
        .lines
        .iter()
        .filter(|l| !matches!(l, Line::Added(..)))
        .count();
    let new_count = hunk
        .lines
        .iter()
        .filter(|l| !matches!(l, Line::Removed(..)))
        .count();
    // An empty side starts at the line before it, as `diff -u` writes it.
    let old_at = if old_count == 0 {
        hunk.old_start
    } else {
        hunk.old_start + 1
    };
    let new_at = if new_count == 0 {
        hunk.new_start
    } else {
        hunk.new_start + 1
    };
    let _ = writeln!(out, "@@ -{old_at},{old_count} +{new_at},{new_count} @@");
    for line in &hunk.lines {
        let (mark, text) = match line {
            Line::Same(t, _) => (' ', *t),
            Line::Removed(t, _) => ('-', *t),
            Line::Added(t, _) => ('+', t.as_str()),
        };
        out.push(mark);
        out.push_str(text);
        if !text.ends_with('\n') {
            out.push_str("\n\\ No newline at end of file\n");
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn diff_of(before: &str, after_edits: &[(usize, usize, &str)]) -> String {
        unified("f", "f", before, after_edits, &|_| false)
            .unwrap()
            .strip_prefix("diff --git a/f b/f\n")
            .unwrap_or_default()
            .to_string()
    }

    #[test]
    fn one_changed_line_with_context() {
        let before = "1\n2\n3\n4\n5\n6\n7\n8\n9\n";
        let five = before.find('5').unwrap();
        assert_eq!(
            diff_of(before, &[(five, five + 1, "five")]),
            "--- a/f\n+++ b/f\n@@ -2,7 +2,7 @@\n 2\n 3\n 4\n-5\n+five\n 6\n 7\n 8\n"
        );
    }

    #[test]
    fn an_inserted_line_is_only_added() {
        let before = "a\nb\n";
        assert_eq!(
            diff_of(before, &[(2, 2, "new\n")]),
            "--- a/f\n+++ b/f\n@@ -1,2 +1,3 @@\n a\n+new\n b\n"
        );
        assert_eq!(
            diff_of(before, &[(4, 4, "end\n")]),
            "--- a/f\n+++ b/f\n@@ -1,2 +1,3 @@\n a\n b\n+end\n"
        );
    }

    #[test]
    fn far_apart_changes_are_two_hunks_and_close_ones_one() {
        let before: String = (1..=30).map(|i| i.to_string() + "\n").collect();
        let at = |needle: &str| before.find(needle).unwrap();
        let two = at("\n2\n") + 1;
        let far = [
            (two, two + 1, "two"),
            (at("\n25\n") + 1, at("\n25\n") + 3, "x"),
        ];
        assert_eq!(diff_of(&before, &far).matches("@@ -").count(), 2);
        let near = [
            (two, two + 1, "two"),
            (at("\n8\n") + 1, at("\n8\n") + 2, "x"),
        ];
        assert_eq!(diff_of(&before, &near).matches("@@ -").count(), 1);
    }

    #[test]
    fn empty_files_and_missing_final_newlines() {
        assert_eq!(
            diff_of("", &[(0, 0, "a\n")]),
            "--- a/f\n+++ b/f\n@@ -0,0 +1,1 @@\n+a\n"
        );
        assert_eq!(
            diff_of("a", &[(0, 1, "b")]),
            "--- a/f\n+++ b/f\n@@ -1,1 +1,1 @@\n-a\n\\ No newline at end of file\n+b\n\\ No newline at end of file\n"
        );
        assert_eq!(
            diff_of("a", &[(1, 1, "\nb\n")]),
            "--- a/f\n+++ b/f\n@@ -1,1 +1,2 @@\n-a\n\\ No newline at end of file\n+a\n+b\n"
        );
    }

    #[test]
    fn renames_are_named_and_no_change_is_nothing() {
        assert_eq!(
            unified("a.config", "b.config", "x\n", &[], &|_| false).unwrap(),
            "diff --git a/a.config b/a.config\nrename from a.config\nrename to b.config\n"
                .replace("b/a.config", "b/b.config")
        );
        assert_eq!(
            unified("f", "f", "x\n", &[(0, 1, "x")], &|_| false).unwrap(),
            ""
        );
    }

    #[test]
    fn context_stops_before_a_line_with_a_secret() {
        let before = "1\n2\n***\n4\n5\n6\n7\n";
        let five = before.find('5').unwrap();
        let diff = unified("f", "f", before, &[(five, five + 1, "five")], &|line| {
            line == 2
        })
        .unwrap();
        assert!(
            diff.ends_with("@@ -4,4 +4,4 @@\n 4\n-5\n+five\n 6\n 7\n"),
            "{diff}"
        );
        // Right next to it: no context at all.
        let four = before.find('4').unwrap();
        let diff = unified("f", "f", before, &[(four, four + 1, "four")], &|line| {
            line == 2
        })
        .unwrap();
        assert!(diff.ends_with("@@ -4,1 +4,1 @@\n-4\n+four\n"), "{diff}");
        // Two changes around it are two hunks.
        let one = before.find('1').unwrap();
        let diff = unified(
            "f",
            "f",
            before,
            &[(one, one + 1, "one"), (five, five + 1, "five")],
            &|line| line == 2,
        )
        .unwrap();
        assert_eq!(diff.matches("@@ -").count(), 2, "{diff}");
        assert!(!diff.contains("***"), "{diff}");
        // A change on such a line cannot be shown.
        let secret = before.find("***").unwrap();
        assert!(
            unified("f", "f", before, &[(secret, secret + 1, "x")], &|line| line
                == 2)
            .is_none()
        );
    }
}
