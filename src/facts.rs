//! What reading the cluster observed that is a finding in itself: a file
//! that cannot be read or parsed, an include that names nothing, a cycle of
//! includes, a layout that leaves doubt, a mistake in the manifest, a
//! gateway namespace of another version. The loader, the model and the
//! engine's reading of the settings record facts; the core rules (and
//! `kaazing/unsupported-namespace`) report them, giving each its rule id
//! and severity, so that every finding comes from a rule.

use crate::diagnostic::Diagnostic;

/// What kind of observation a fact is; each kind is reported by one rule.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum FactKind {
    /// A file, or an include past a limit, that cannot be read
    /// (`core/unreadable-file`).
    UnreadableFile,
    /// A located syntax error (`core/parse-error`).
    ParseError,
    /// An include or reference that names no file (`core/include-not-found`).
    IncludeNotFound,
    /// An include pattern that matches nothing (`core/include-glob-empty`).
    IncludeGlobEmpty,
    /// Files that include each other (`core/include-cycle`).
    IncludeCycle,
    /// A node layout read with doubt (`core/layout-uncertain`).
    LayoutUncertain,
    /// A mistake in `clusterlint.toml` (`core/manifest-error`).
    ManifestError,
    /// A gateway configuration of another version's namespace
    /// (`kaazing/unsupported-namespace`).
    UnsupportedNamespace,
    /// A certificate or key a configuration names, absent from the node
    /// although the tree shows it should be there (`tls/file-missing`).
    TlsFileMissing,
}

/// One observation: what was found, where, and what to do, as a finding
/// without a rule yet.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Fact {
    /// Which rule reports it.
    pub kind: FactKind,
    /// The finding the rule reports, with the rule's id and severity laid
    /// on it.
    pub finding: Diagnostic,
}

/// Records a finding as a fact: `Diagnostic::new(..).help(..).fact(kind)`.
pub trait AsFact {
    /// The fact of `kind` this finding states.
    fn fact(self, kind: FactKind) -> Fact;
}

impl AsFact for Diagnostic {
    fn fact(self, kind: FactKind) -> Fact {
        Fact {
            kind,
            finding: self,
        }
    }
}
