use crate::rules::declare_rule;

declare_rule! {
    /// ## What it does
    /// Reports a file of the cluster that cannot be read at all: no
    /// permission, not a regular file, larger than the size limit, or not text
    /// (NUL bytes, such as a binary file or UTF-16).
    ///
    /// ## Why is this bad?
    /// Nothing in the file can be checked, so faults in it stay hidden. The
    /// rest of the cluster is still checked.
    ///
    /// ## Example
    /// A `portal-ext.properties` saved as UTF-16 by a Windows editor.
    ///
    /// ## How to fix
    /// Make the file readable, or save it as UTF-8 (or ISO-8859-1 for files
    /// read by `java.util.Properties`).
    id: "core/unreadable-file",
    severity: Error,
    check: None,
}
