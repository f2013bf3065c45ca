use crate::diagnostic::Diagnostic;
use crate::model::kaazing::SchemaProblemKind;
use crate::rules::{RuleContext, declare_rule};

declare_rule! {
    /// ## What it does
    /// Reports an element the gateway's schema does not allow where it
    /// stands: an unknown name (a typo such as `<tcp.bnd>`), or a known one
    /// in the wrong place or order (`<properties>` after a `<service>`,
    /// `<type>` before `<name>`), with the nearest known name.
    ///
    /// ## Why is this bad?
    /// The gateway validates its configuration against its schema at
    /// startup and refuses to start on any element the schema does not
    /// allow there.
    ///
    /// ## Example
    /// ```xml
    /// <accept-options>
    ///   <tcp.bnd>${gateway.ip.address}:8443</tcp.bnd>
    /// </accept-options>
    /// ```
    ///
    /// ## How to fix
    /// Correct the name, or move the element to where the schema wants it.
    id: "kaazing/unknown-element",
    severity: Error,
    check: Some(check),
}

fn check(cx: &mut RuleContext<'_>) {
    report(cx, SchemaProblemKind::Unknown, "not allowed here");
}

/// Reports a gateway's schema problems of one kind (shared with
/// `kaazing/schema-invalid`).
pub(crate) fn report(cx: &mut RuleContext<'_>, kind: SchemaProblemKind, label: &str) {
    for gateway in &cx.cluster.kaazing {
        for problem in gateway.schema_problems.iter().filter(|p| p.kind == kind) {
            let mut diagnostic =
                Diagnostic::new(problem.span, problem.message.clone()).label(label);
            if let Some(help) = &problem.help {
                diagnostic = diagnostic.help(help.clone());
            }
            if let Some((span, message)) = &problem.related {
                diagnostic = diagnostic.related(*span, message.clone());
            }
            cx.report(diagnostic);
        }
    }
}
