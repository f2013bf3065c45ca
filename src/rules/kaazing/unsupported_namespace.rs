use crate::diagnostic::Diagnostic;
use crate::facts::FactKind;
use crate::model::kaazing::Dialect;
use crate::rules::{RuleContext, declare_rule};

declare_rule! {
    /// ## What it does
    /// Reports a `gateway-config` the gateway that runs it will not load:
    /// one in no known gateway namespace at all; one in a namespace of the
    /// 4.x releases (`http://xmlns.kaazing.com/2012/09/gateway` and older)
    /// when the gateway is the open-source 5.x; one in the current
    /// namespace written in another case. A file named as the gateway's
    /// configuration whose root is not `<gateway-config>` is reported too.
    ///
    /// ## Version and edition
    /// Each release reads its own namespace: 4.0 (every edition, the JMS
    /// edition included) `.com/2012/09`; open-source 5.0 `.org/2014/09`,
    /// 5.1 `2015/11`, 5.2 and later `2016/06`, each translating the older
    /// `.org` ones on load. The open-source 5.x refuses the `.com`
    /// namespaces; the Enterprise Edition 5.x upgrades a 4.0 file on
    /// start. The version and edition come from `[kaazing]` in
    /// clusterlint.toml, else from the deployment (the image or download
    /// the node runs), else from the namespace itself: a `.com/2012/09`
    /// file with nothing else said is taken as written for 4.0, and passes.
    /// Case: the gateway compares namespaces without case and rewrites the
    /// older `.org` ones, so only a miscased `2016/06` fails validation.
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
    /// on a node whose compose service runs `kaazing/gateway:5.6.0`.
    ///
    /// ## How to fix
    /// Rewrite the configuration for the current namespace,
    /// `http://xmlns.kaazing.org/2016/06/gateway`, or run the gateway
    /// release the file was written for (say so with `[kaazing] version`).
    id: "kaazing/unsupported-namespace",
    severity: Error,
    check: Some(check),
}

fn check(cx: &mut RuleContext<'_>) {
    // A file whose root is no `<gateway-config>` at all, as the model found.
    cx.report_facts(FactKind::UnsupportedNamespace);
    for gateway in &cx.cluster.kaazing {
        let message = match gateway.dialect {
            Dialect::Unsupported if !gateway.loads_dialect() => {
                "the open-source gateway 5.x no longer loads configurations in this namespace (the 4.x gateways and the Enterprise Edition do)"
            }
            Dialect::Unknown => "this is no gateway configuration namespace the gateway knows",
            // Recognised without case; older namespaces are rewritten to the
            // current one, which must then be exact for validation.
            Dialect::June2016 if !gateway.namespace_exact => {
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
