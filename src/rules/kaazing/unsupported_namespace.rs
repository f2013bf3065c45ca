use crate::diagnostic::Diagnostic;
use crate::model::kaazing::Dialect;
use crate::rules::{RuleContext, declare_rule};

declare_rule! {
    /// ## What it does
    /// Reports a `gateway-config` in a namespace the gateway no longer
    /// loads (`http://xmlns.kaazing.com/2012/09/gateway` and older), in no
    /// known gateway namespace at all, or in a known one written in another
    /// case (the gateway recognises it, but its schema validation then
    /// finds no element it knows). A file named as the gateway's
    /// configuration whose root is not `<gateway-config>` is reported
    /// too. Documents in the 2015/11 and 2014/09 namespaces are
    /// translated by the gateway on load and are checked against their
    /// own schema.
    ///
    /// ## Why is this bad?
    /// The gateway refuses to start: "Unrecognized gateway configuration
    /// namespace" (or "Unknown/unsupported XML namespace URI"). None of
    /// the file's settings take effect.
    ///
    /// ## Example
    /// ```xml
    /// <gateway-config xmlns="http://xmlns.kaazing.com/2012/09/gateway">
    /// ```
    ///
    /// ## How to fix
    /// Rewrite the configuration for the current namespace,
    /// `http://xmlns.kaazing.org/2016/06/gateway`.
    id: "kaazing/unsupported-namespace",
    severity: Error,
    check: Some(check),
}

fn check(cx: &mut RuleContext<'_>) {
    for gateway in &cx.cluster.kaazing {
        let message = match gateway.dialect {
            Dialect::Unsupported => "the gateway no longer loads configurations in this namespace",
            Dialect::Unknown => "this is no gateway configuration namespace the gateway knows",
            // Recognised without case, then refused by the schema validation.
            _ if !gateway.namespace_exact => {
                "the namespace is written in another case than the schema's, so validation fails"
            }
            _ => continue,
        };
        cx.report(
            Diagnostic::new(gateway.root, message)
                .label("unsupported namespace")
                .help("rewrite the file for `http://xmlns.kaazing.org/2016/06/gateway`"),
        );
    }
}
