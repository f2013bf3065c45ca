//! What a file format provides to the pipeline: its name, how its bytes
//! become text and a document, how a file is recognised as one of it,
//! where its program keeps files, and its comment syntax.

use crate::formats::decode::Encoding;
use crate::formats::{Document, Format};

/// One file format, as the pipeline needs it. Built-in formats implement
/// it in their folder under `src/formats/`; another format is added with
/// [`crate::formats::register`].
pub trait FileFormat: Send + Sync + 'static {
    /// The name used in `clusterlint.toml` `[files]` and in `--verbose`
    /// output; unique among formats.
    fn name(&self) -> &'static str;

    /// The product or kind of file the format belongs to.
    fn family(&self) -> Family {
        Family::Other
    }

    /// How the program reading the format decodes bytes.
    fn encoding(&self) -> Encoding {
        Encoding::Utf8Bytes
    }

    /// Parses decoded `text`. `max_depth` bounds nesting for formats that
    /// nest (`None`: the parser's default). Never fails: problems are
    /// [`crate::formats::ParseError`]s of the document.
    fn parse(&self, text: &str, max_depth: Option<usize>) -> Document;

    /// Parses `text` as the inside of a block of this format (see
    /// [`crate::formats::Reference::fragment`]).
    fn parse_fragment(&self, text: &str) -> Document {
        self.parse(text, None)
    }

    /// How strongly a file's place and name say it is of this format.
    fn claim(&self, _path: &FilePath<'_>) -> Option<Claim> {
        None
    }

    /// Whether a file this format claims by name is checked against its
    /// first bytes ([`FileFormat::confirm`]).
    fn checks_content(&self) -> bool {
        false
    }

    /// What the first bytes of a file claimed by name make of the claim.
    fn confirm(&self, _head: &[u8]) -> Confirmation {
        Confirmation::Keep
    }

    /// Whether the first bytes of a file named `name` that no name claims
    /// are looked at ([`FileFormat::sniff`]).
    fn sniffs(&self, _name: &str) -> bool {
        false
    }

    /// Whether a file that no name claims is of this format, from its
    /// first bytes (only for names [`FileFormat::sniffs`] accepts).
    fn sniff(&self, _head: &[u8]) -> bool {
        false
    }

    /// Whether a file of this format at cluster path `path` is a sample a
    /// product ships beside its configuration, read by nothing.
    fn is_sample(&self, _path: &str) -> bool {
        false
    }

    /// How many of a file's `folders` lie above its node's home, when the
    /// format knows its program's layout (`conf/` under a gateway home);
    /// `None`: the file's own folder is the home.
    fn home(&self, _folders: &[&str]) -> Option<usize> {
        None
    }

    /// Where the program keeps its files.
    fn program_paths(&self) -> &'static ProgramPaths {
        &ProgramPaths::NONE
    }

    /// Whether files of this format that include each other in a loop are
    /// a fault (`core/include-cycle`).
    fn include_loops_are_faults(&self) -> bool {
        true
    }

    /// How a suppression comment is written.
    fn comment_syntax(&self) -> CommentSyntax {
        CommentSyntax::Hash {
            continued_lines: false,
        }
    }
}

/// A file's cluster path, split.
#[derive(Clone, Copy, Debug)]
pub struct FilePath<'a> {
    /// The file name.
    pub name: &'a str,
    /// The folders above it, outermost first.
    pub folders: &'a [&'a str],
}

impl FilePath<'_> {
    /// Whether `folders` holds `pair` as consecutive folders.
    #[must_use]
    pub fn has_folders(&self, pair: [&str; 2]) -> bool {
        self.folders.windows(2).any(|w| w == pair)
    }
}

/// How a path names a format. Earlier kinds win over later ones; within
/// one kind, the format registered first wins.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Claim {
    /// A folder the program owns (`/etc/stunnel/x.conf`).
    Folder,
    /// The file's exact name (`nginx.conf`).
    Name,
    /// A pattern of names (`portal-*.properties`).
    Pattern,
}

/// What a file's first bytes make of a claim by name.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Confirmation {
    /// The file is of the format.
    Keep,
    /// The file is something else clusterlint does not read (a template,
    /// another program's file of the same name).
    Drop,
    /// The file is of another format.
    Become(Format),
}

/// What a format belongs to.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum Family {
    /// A file the Liferay portal reads (properties, OSGi, `setenv.sh`).
    Liferay,
    /// A file that says how nodes are started (compose, Dockerfile, ...):
    /// it attaches to nodes and never makes one.
    Deployment,
    /// Anything else.
    Other,
}

/// How suppression comments are written in a format.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum CommentSyntax {
    /// No comments (key material).
    None,
    /// `# ...` lines; `continued_lines` when a backslash at a line's end
    /// continues a statement on the next line.
    Hash {
        /// Whether a trailing backslash continues a statement.
        continued_lines: bool,
    },
    /// `# ...` lines, allowed only before the first entry (OSGi `.config`).
    HashBeforeEntries,
    /// `<!-- ... -->`, never inside a tag, after an XML declaration.
    Xml,
    /// `rem ...` and `:: ...` lines (Windows batch files).
    Rem,
}

/// Where a program keeps its configuration, for following the paths its
/// files name.
#[derive(Clone, Copy, Debug)]
pub struct ProgramPaths {
    /// The folders where the program usually keeps its configuration, for
    /// mapping absolute paths in a flat layout; the longest match wins.
    pub usual_folders: &'static [&'static str],
    /// The names of the main files the program reads from those folders
    /// by default (`nginx.conf`; `redis.conf` and `sentinel.conf`).
    pub main_files: &'static [&'static str],
    /// Files the program's packages install, which a repository holding a
    /// node's own files leaves out: a missing one is no fault.
    pub package_files: &'static [&'static str],
    /// Folders the packages create empty and include with a pattern.
    pub package_globs: &'static [&'static str],
    /// Folders whose files the main file includes (nginx's `conf.d`):
    /// such a file is read from the main file's prefix, or on its own only
    /// when no file includes it.
    pub include_folders: &'static [&'static str],
    /// Whether relative paths start from the configuration prefix (the
    /// main file's folder) in every included file too (nginx), not from
    /// the including file's folder.
    pub relative_to_prefix: bool,
    /// Whether relative paths start from the program's working directory,
    /// which the files do not say (Redis): several folders are tried and a
    /// miss is no fault.
    pub relative_to_working_dir: bool,
}

impl ProgramPaths {
    /// A format whose files name no other files.
    pub const NONE: Self = Self {
        usual_folders: &[],
        main_files: &[],
        package_files: &[],
        package_globs: &[],
        include_folders: &[],
        relative_to_prefix: false,
        relative_to_working_dir: false,
    };
}
