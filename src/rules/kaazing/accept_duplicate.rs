use std::collections::HashMap;

use crate::diagnostic::Diagnostic;
use crate::model::kaazing::Uri;
use crate::rules::{RuleContext, declare_rule};
use crate::source::Span;

declare_rule! {
    /// ## What it does
    /// Reports two services of one gateway that accept the same URI, as
    /// the gateway compares URIs: the host without case, the scheme's
    /// default port written out, an empty path as `/`.
    ///
    /// ## Why is this bad?
    /// Services may share a host and port; the gateway tells them apart by
    /// the rest of the URI, the path above all. Two services on one URI
    /// give one address two handlers, and the gateway stops at startup
    /// ("Error binding to ...: Tried to bind address ... to a different
    /// handler"). It happens when a service block is copied to make a
    /// second one and its `<accept>` is left as it was.
    ///
    /// ## Example
    /// ```xml
    /// <service>
    ///   <name>echo</name>
    ///   <accept>ws://gw1.example.org:8000/echo</accept>
    ///   <type>echo</type>
    /// </service>
    /// <service>
    ///   <name>echo-copy</name>
    ///   <accept>ws://gw1.example.org:8000/echo</accept>
    ///   <type>echo</type>
    /// </service>
    /// ```
    ///
    /// ## How to fix
    /// Give each service its own path (`ws://gw1.example.org:8000/echo2`),
    /// or its own port.
    id: "kaazing/accept-duplicate",
    severity: Error,
    check: Some(check),
}

fn check(cx: &mut RuleContext<'_>) {
    let cluster = cx.cluster;
    for gateway in &cluster.kaazing {
        let name = |i: usize| {
            gateway.services[i]
                .name
                .as_ref()
                .map_or_else(|| "a service".to_string(), |n| format!("`{}`", n.text))
        };
        // The first service accepting each URI, and where.
        let mut first: HashMap<String, (usize, Span)> = HashMap::new();
        for (index, service) in gateway.services.iter().enumerate() {
            for accept in &service.accepts {
                // A URI with a name the gateway fills in at run time is
                // not known here.
                if !accept.known || accept.text.contains("${") {
                    continue;
                }
                let Some(uri) = Uri::parse(&accept.text) else {
                    continue;
                };
                let key = uri.canonical();
                match first.get(&key) {
                    Some(&(other, span)) if other != index => cx.report(
                        Diagnostic::new(
                            accept.span,
                            format!(
                                "{} accepts `{key}` on `{}`, as {} does: two services cannot bind one address",
                                name(index),
                                cluster.node(gateway.node).name,
                                name(other)
                            ),
                        )
                        .label("URI taken")
                        .related(span, format!("{} accepts it here", name(other)))
                        .help("give this service its own path or port"),
                    ),
                    Some(_) => {}
                    None => {
                        first.insert(key, (index, accept.span));
                    }
                }
            }
        }
    }
}
