use crate::diagnostic::{Diagnostic, Fix};
use crate::model::Cluster;
use crate::model::kaazing::SchemaProblemKind;
use crate::rules::{RuleContext, declare_rule, edits};
use crate::source::{Span, TextRange};

declare_rule! {
    /// ## What it does
    /// Reports an element the gateway's schema does not allow where it
    /// stands: an unknown name (a typo such as `<tcp.bnd>`), or a known one
    /// in the wrong place or order (`<properties>` after a `<service>`,
    /// `<type>` before `<name>`), with the nearest known name.
    ///
    /// ## Version and edition
    /// The schema is the open-source gateway's for the file's namespace
    /// (2014/09, 2015/11, 2016/06); a 4.x file is not checked against it.
    /// What only the Enterprise and JMS editions read is known unless
    /// `[kaazing] edition = "community"` says otherwise: their service types
    /// (`jms`, `jms.proxy`, `kerberos5.proxy`, `redis`, `ibmmq`,
    /// `turn.proxy`, whose services are not checked inside) and options
    /// (`socks.*`, `tcp.maximum.outbound.rate`, `http.server.header`,
    /// `udp.bind`, `ssl.verify-client` in connect options,
    /// `authorization-timeout`). `management.jmx` services are the
    /// open-source gateway's, declared in a schema of their own.
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
    /// When the name is a near miss of exactly one name the parent knows,
    /// and that name is allowed where the element stands, `--fix` renames
    /// the element (its start and end tags).
    id: "kaazing/unknown-element",
    severity: Error,
    fix: Safe,
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
            if let Some(u) = &problem.unknown
                && let Some(fix) = rename(
                    cx.cluster,
                    &u.name,
                    u.name_span,
                    u.span,
                    u.self_closing,
                    &u.expected,
                    &u.known,
                )
            {
                diagnostic = diagnostic.fix(fix);
            }
            cx.report(diagnostic);
        }
    }
}

/// Renames an unknown element (`name` as written, from `name_span` in its
/// start tag to the end of `element`) to the one known name its local name
/// is a near miss of, when that name is allowed at its position; the
/// prefix stays.
fn rename(
    cluster: &Cluster,
    name: &str,
    name_span: Span,
    element: Span,
    self_closing: bool,
    expected: &[&str],
    known: &[&'static str],
) -> Option<Fix> {
    let local = name.rsplit(':').next()?;
    let to = edits::sole_near_miss(local, known.iter().copied())?;
    if !expected.contains(&to) {
        return None;
    }
    let file = name_span.file;
    let local_of = |range: TextRange| {
        TextRange::new(
            range.end - u32::try_from(local.len()).unwrap_or(0),
            range.end,
        )
    };
    let mut edits = vec![edits::replace(file, local_of(name_span.range), to)];
    if !self_closing {
        let text = &cluster.source(file).text;
        let end = edits::end_tag_name(text, element.range.end as usize, name)?;
        edits.push(edits::replace(file, local_of(end), to));
    }
    Some(Fix {
        description: format!("rename `<{local}>` to `<{to}>`"),
        edits,
    })
}
