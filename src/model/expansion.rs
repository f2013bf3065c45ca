//! The budget for splicing included files into a main configuration.
//!
//! nginx, Redis and stunnel read an included file again each time it is
//! included, so a dozen small files that include each other several times
//! stand for millions of lines. Each main file's expansion may splice in
//! at most a fixed number of directives from included files; past that,
//! includes are left unread and the first one cut is reported, while the
//! main file's own directives are all still read.

use crate::diagnostic::Diagnostic;
use crate::facts::{AsFact, Fact, FactKind};
use crate::model::Cluster;
use crate::source::{FileId, Span};

/// Lines of included files spliced into one Redis or stunnel main file,
/// at most: real ones have hundreds.
pub(crate) const MAX_EXPANDED: usize = 1_000_000;

/// What is left of one main file's expansion budget, and where it ran out.
pub(crate) struct Budget {
    main: FileId,
    limit: usize,
    left: usize,
    /// Whether anything was left unread.
    refused: bool,
    cut: Option<Span>,
}

impl Budget {
    pub(crate) fn new(main: FileId, limit: usize) -> Self {
        Self {
            main,
            limit,
            left: limit,
            refused: false,
            cut: None,
        }
    }

    /// Counts one directive of `file`; `false` when it is an included
    /// file's and the budget is spent, so the rest of that file is cut.
    pub(crate) fn take(&mut self, file: FileId) -> bool {
        if self.left > 0 {
            self.left -= 1;
            true
        } else {
            self.refused |= file != self.main;
            file == self.main
        }
    }

    /// Whether an include may still be spliced in.
    pub(crate) fn allows_include(&mut self) -> bool {
        self.refused |= self.left == 0;
        self.left > 0
    }

    /// Notes the include at `span` as cut if anything was left unread
    /// (the first such include is reported: the innermost one).
    pub(crate) fn cut_at(&mut self, span: Span) {
        if self.refused {
            self.cut.get_or_insert(span);
        }
    }

    /// The finding for a budget that ran out, at the first include cut.
    pub(crate) fn finding(&self, cluster: &Cluster, program: &str) -> Option<Fact> {
        let span = self.cut?;
        Some(
            Diagnostic::new(
                span,
                format!(
                    "this include is not read in full: the files that `{}` includes bring in more than {} directives to {program}, the limit for one configuration (files that include each other several times multiply)",
                    cluster.source(self.main).path,
                    self.limit,
                ),
            )
            .label("the expansion stops here")
            .help("include each file once; the findings for the rest of this configuration may be incomplete")
            .fact(FactKind::UnreadableFile),
        )
    }
}
