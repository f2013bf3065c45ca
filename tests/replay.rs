//! Replays the committed fuzz regressions, the fixtures and the shared
//! corpus through every parser, then thousands of deterministic mutations
//! of them (truncations, byte flips, lines spliced in from other files)
//! through their parser and, as part of their cluster, the whole engine:
//! the invariants the fuzz targets check, without a fuzz build.

mod common;

use std::fs;
use std::path::{Path, PathBuf};

use common::{corpus, files_under};

use clusterlint::formats::Format;
use clusterlint::invariants::{check_cluster, check_format, check_manifest};

fn inputs() -> Vec<PathBuf> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut inputs = files_under(&root.join("fuzz/regressions"));
    inputs.extend(files_under(&root.join("fixtures")));
    inputs.extend(files_under(&corpus()));
    inputs.sort();
    inputs
}

#[test]
fn regressions_fixtures_and_corpus_keep_the_invariants() {
    let inputs = inputs();
    assert!(inputs.len() > 1000, "{} inputs", inputs.len());
    let mut failures = Vec::new();
    for path in &inputs {
        // Broken links among the fixtures are there on purpose.
        let Ok(bytes) = fs::read(path) else { continue };
        for format in Format::BUILTIN {
            if let Err(e) = check_format(format, &bytes) {
                failures.push(format!("{}: {e}", path.display()));
            }
        }
        // Also with a UTF-8 byte-order mark in front, which readers handle
        // in their own ways, in the format the file's name gives.
        let name = path.to_string_lossy().replace('\\', "/");
        if let Some(format) = clusterlint::formats::classify(&name) {
            let with_bom = [&b"\xef\xbb\xbf"[..], &bytes].concat();
            if let Err(e) = check_format(format, &with_bom) {
                failures.push(format!("{} (with a byte-order mark): {e}", path.display()));
            }
        }
        if let Err(e) = check_manifest(&bytes) {
            failures.push(format!("{}: {e}", path.display()));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

/// xorshift64*: the same mutations on every run and every machine.
struct Random(u64);

impl Random {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }

    fn below(&mut self, n: usize) -> usize {
        if n == 0 {
            0
        } else {
            (self.next() % n as u64) as usize
        }
    }
}

/// One mutation of `bytes`: cut short, a few bytes changed, or a line of
/// `donor` put in at a line boundary.
fn mutate(bytes: &[u8], donor: &[u8], random: &mut Random) -> Vec<u8> {
    let mut out = bytes.to_vec();
    match random.below(3) {
        0 => out.truncate(random.below(bytes.len() + 1)),
        1 => {
            const INTERESTING: &[u8] = b"\0\n\r\\\"'{};#=:<>&$ \t\xc3\xa9\xff";
            for _ in 0..=random.below(4) {
                if out.is_empty() {
                    break;
                }
                let at = random.below(out.len());
                out[at] = if random.below(2) == 0 {
                    INTERESTING[random.below(INTERESTING.len())]
                } else {
                    random.next() as u8
                };
            }
        }
        _ => {
            let lines: Vec<&[u8]> = donor.split_inclusive(|&b| b == b'\n').collect();
            let line = lines
                .get(random.below(lines.len()))
                .copied()
                .unwrap_or(b"\n");
            let starts: Vec<usize> = std::iter::once(0)
                .chain(
                    out.iter()
                        .enumerate()
                        .filter(|(_, b)| **b == b'\n')
                        .map(|(i, _)| i + 1),
                )
                .collect();
            let at = starts[random.below(starts.len())];
            out.splice(at..at, line.iter().copied());
        }
    }
    out
}

/// The fixture clusters: every folder that holds node folders with files
/// (a bundled example, or one rule's failing or passing case).
fn clusters() -> Vec<PathBuf> {
    let fixtures = Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures");
    let mut out: Vec<PathBuf> = files_under(&fixtures)
        .into_iter()
        .filter_map(|f| {
            let rel = f.strip_prefix(&fixtures).ok()?.to_path_buf();
            let mut parts = rel.components();
            let pack = parts.next()?;
            let case = parts.next()?;
            let root = if pack.as_os_str() == "clusters" {
                fixtures.join(pack).join(case)
            } else {
                fixtures.join(pack).join(case).join(parts.next()?)
            };
            root.is_dir().then_some(root)
        })
        .collect();
    out.sort();
    out.dedup();
    out
}

#[test]
fn mutations_keep_the_invariants_of_every_parser_and_the_engine() {
    let inputs = inputs();
    let donors: Vec<Vec<u8>> = inputs.iter().filter_map(|p| fs::read(p).ok()).collect();
    let mut random = Random(0x9e37_79b9_7f4a_7c15);
    let mut failures = Vec::new();
    let mut parsed = 0;
    for (path, bytes) in inputs.iter().zip(&donors) {
        let name = path.to_string_lossy().replace('\\', "/");
        let Some(format) = clusterlint::formats::classify(&name) else {
            continue;
        };
        for _ in 0..3 {
            let donor = &donors[random.below(donors.len())];
            let mutated = mutate(bytes, donor, &mut random);
            parsed += 1;
            if let Err(e) = check_format(format, &mutated) {
                failures.push(format!("{} mutated: {e}", path.display()));
            }
        }
    }
    let mut linted = 0;
    for root in clusters() {
        let files: Vec<(String, Vec<u8>)> = files_under(&root)
            .into_iter()
            .filter_map(|f| {
                let rel = f
                    .strip_prefix(&root)
                    .ok()?
                    .to_string_lossy()
                    .replace('\\', "/");
                Some((rel, fs::read(&f).ok()?))
            })
            .collect();
        if files.is_empty() {
            continue;
        }
        // Two mutants per cluster, each with one file mutated.
        for _ in 0..2 {
            let mut mutant = files.clone();
            let victim = random.below(mutant.len());
            let donor = &donors[random.below(donors.len())];
            mutant[victim].1 = mutate(&mutant[victim].1, donor, &mut random);
            linted += 1;
            if let Err(e) = check_cluster(&mutant) {
                failures.push(format!(
                    "{} with `{}` mutated: {e}",
                    root.display(),
                    mutant[victim].0
                ));
            }
        }
    }
    assert!(
        parsed > 2000 && linted > 200,
        "{parsed} parses, {linted} clusters"
    );
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}
