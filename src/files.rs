//! The files of one check, each by its [`FileId`]: its source (text,
//! secret ranges), its format, the node it belongs to, its parsed document
//! and what its references resolved to. The loader builds them; the model
//! reads them; reporters get them with the diagnostics.

use std::ops::{Deref, DerefMut};
use std::sync::Arc;

use crate::formats::{Document, Format, ReferenceKind};
use crate::source::{FileId, SourceFile, TextRange};

/// Index of a node among the cluster's nodes (nodes are sorted by name).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct NodeId(pub u32);

impl NodeId {
    #[must_use]
    pub fn index(self) -> usize {
        self.0 as usize
    }
}

/// A file of the analysis with what is known about it.
#[derive(Clone, Debug)]
pub struct ClusterFile {
    pub source: SourceFile,
    /// `None` for the manifest.
    pub format: Option<Format>,
    pub node: Option<NodeId>,
    pub document: Arc<Document>,
    /// What the file's includes, certificates and keys name, resolved.
    pub includes: Vec<Include>,
}

/// A reference of one file to others (an include, a certificate), with the
/// files of the node it names, in the order the program reads them.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Include {
    /// Where the path is written.
    pub range: TextRange,
    pub kind: ReferenceKind,
    /// The format of the targets.
    pub format: Format,
    /// The targets are the inside of the block the reference stands in.
    pub fragment: bool,
    pub targets: Vec<FileId>,
}

/// Every file of a check, indexed by [`FileId`].
#[derive(Clone, Debug, Default)]
pub struct Files(Vec<ClusterFile>);

impl Files {
    /// The file `id`.
    #[must_use]
    pub fn file(&self, id: FileId) -> &ClusterFile {
        &self.0[id.index()]
    }

    /// The source of file `id`.
    #[must_use]
    pub fn source(&self, id: FileId) -> &SourceFile {
        &self.0[id.index()].source
    }

    /// Adds a file; its id is the number of files before it.
    pub fn push(&mut self, file: ClusterFile) {
        self.0.push(file);
    }
}

impl Deref for Files {
    type Target = [ClusterFile];

    fn deref(&self) -> &[ClusterFile] {
        &self.0
    }
}

impl DerefMut for Files {
    fn deref_mut(&mut self) -> &mut [ClusterFile] {
        &mut self.0
    }
}

impl<'a> IntoIterator for &'a Files {
    type Item = &'a ClusterFile;
    type IntoIter = std::slice::Iter<'a, ClusterFile>;

    fn into_iter(self) -> Self::IntoIter {
        self.0.iter()
    }
}
