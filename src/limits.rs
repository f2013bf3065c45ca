//! How much of its input a check reads: bounds against files copied from
//! production that are huge, nest without end or include each other by the
//! thousand. Each bound has a default and a `[limits]` key in the manifest;
//! what goes over one is reported (`core/unreadable-file` for what is not
//! read, `core/parse-error` for what is not parsed), never fatal.

use crate::manifest::Manifest;

/// The bounds of one check.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Limits {
    /// Files larger than this many bytes are not read (`max-file-size`).
    pub max_file_size: u64,
    /// nginx blocks and XML elements nested deeper than this are not read
    /// (`max-nesting-depth`, at most [`NESTING_DEPTH_CAP`]); `None`: each
    /// format's own default.
    pub max_nesting_depth: Option<usize>,
    /// Files reached through more includes in a row than this are not
    /// read (`max-include-depth`).
    pub max_include_depth: usize,
    /// At most this many files are read because a file includes them
    /// (`max-includes`).
    pub max_includes: usize,
    /// At most this many files of the cluster are read (`max-files`).
    pub max_files: usize,
}

/// Files larger than this are not read (`core/unreadable-file`).
pub const DEFAULT_MAX_FILE_SIZE: u64 = 16 * 1024 * 1024;

/// The deepest nesting a manifest may allow: parsers and models descend
/// a nested block with a stack frame each, so a larger number would let a
/// file end the process instead of being reported.
pub const NESTING_DEPTH_CAP: usize = 512;

impl Default for Limits {
    fn default() -> Self {
        Self {
            max_file_size: DEFAULT_MAX_FILE_SIZE,
            max_nesting_depth: None,
            max_include_depth: 32,
            max_includes: 100_000,
            max_files: 200_000,
        }
    }
}

/// The manifest's keys, as `[limits]` spells them.
pub const KEYS: &[&str] = &[
    "max-file-size",
    "max-nesting-depth",
    "max-include-depth",
    "max-includes",
    "max-files",
];

impl Limits {
    /// These limits with the manifest's `[limits]` laid over them.
    #[must_use]
    pub fn with_manifest(mut self, manifest: Option<&Manifest>) -> Self {
        let Some(manifest) = manifest else {
            return self;
        };
        for (key, value) in &manifest.limits {
            let value = value.value;
            match key.value.as_str() {
                "max-file-size" => self.max_file_size = value,
                "max-nesting-depth" => {
                    self.max_nesting_depth = Some(as_count(value).min(NESTING_DEPTH_CAP));
                }
                "max-include-depth" => self.max_include_depth = as_count(value),
                "max-includes" => self.max_includes = as_count(value),
                "max-files" => self.max_files = as_count(value),
                _ => {}
            }
        }
        self
    }
}

fn as_count(value: u64) -> usize {
    usize::try_from(value).unwrap_or(usize::MAX)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_manifest_overrides_the_defaults_it_names() {
        let manifest = crate::manifest::parse("[limits]\nmax-files = 10\nmax-nesting-depth = 4\n");
        assert!(manifest.errors.is_empty(), "{:?}", manifest.errors);
        let limits = Limits::default().with_manifest(Some(&manifest));
        assert_eq!(limits.max_files, 10);
        assert_eq!(limits.max_nesting_depth, Some(4));
        assert_eq!(limits.max_file_size, DEFAULT_MAX_FILE_SIZE);
        let bad = crate::manifest::parse("[limits]\nmax-files = -1\nmax-fils = 3\n");
        let messages: Vec<&str> = bad.errors.iter().map(|e| &*e.message).collect();
        assert_eq!(messages.len(), 2, "{messages:?}");
        assert!(
            messages.iter().any(|m| m.contains("positive")),
            "{messages:?}"
        );
        assert!(
            messages.iter().any(|m| m.contains("`max-files`")),
            "{messages:?}"
        );
    }
}
