//! How much of its input a check reads: bounds against files copied from
//! production that are huge, nest without end or include each other by the
//! thousand. Each bound has a default and a `[limits]` key in the manifest;
//! what goes over one is reported (`core/unreadable-file` for what is not
//! read, `core/parse-error` for what is not parsed), never fatal.

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
    /// These limits with `values` (a key of [`KEYS`] and its value, as the
    /// manifest's `[limits]` gives them) laid over them.
    #[must_use]
    pub fn with_values<'a>(mut self, values: impl IntoIterator<Item = (&'a str, u64)>) -> Self {
        for (key, value) in values {
            match key {
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
