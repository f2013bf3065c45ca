use std::collections::HashSet;

use crate::diagnostic::Diagnostic;
use crate::rules::{RuleContext, declare_rule};
use crate::suggest;

declare_rule! {
    /// ## What it does
    /// Reports `${name}` in a gateway configuration where no `<property>`
    /// defines `name`, or defines it as empty (the gateway counts an empty
    /// value as missing), and no Java system property of the gateway sets
    /// it. System properties come first: `-Dname=value` in `GATEWAY_OPTS`
    /// or `JAVA_OPTS` of the node's compose service, env file, image or
    /// start script (`gateway.start` hands both to the JVM), or on its
    /// `gateway.start` line. `${hostname}`, `${cloud.host}` and
    /// `${cloud.instanceId}` are resolved by the gateway itself; `$${name}`
    /// is a literal `${name}` and no use.
    ///
    /// ## Why is this bad?
    /// The gateway refuses to start: "Could not determine non-null value
    /// for parameter definition ${name}". The usual cause is a property
    /// renamed on one member, or a typo in the name.
    ///
    /// ## Example
    /// ```xml
    /// <property><name>gateway.ip.address</name><value>172.19.20.1</value></property>
    /// ...
    /// <tcp.bind>${gateway.ip.adress}:8443</tcp.bind>
    /// ```
    ///
    /// ## How to fix
    /// Use a property the configuration defines, or define it in
    /// `<properties>` (or pass `-Dname=value` in `GATEWAY_OPTS`).
    id: "kaazing/undefined-property",
    severity: Error,
    check: Some(check),
}

fn check(cx: &mut RuleContext<'_>) {
    for gateway in &cx.cluster.kaazing {
        let mut undefined = gateway.uses.iter().filter(|u| !u.defined).peekable();
        if undefined.peek().is_none() {
            continue;
        }
        // The names `Gateway::property` finds, looked up once per use.
        let named: HashSet<&str> = gateway
            .system_properties
            .iter()
            .filter(|p| !p.value.is_empty())
            .chain(&gateway.properties)
            .map(|p| p.name.as_str())
            .collect();
        let mut suggester =
            suggest::Suggester::new(gateway.properties.iter().map(|p| p.name.as_str()));
        for used in undefined {
            let message = if named.contains(used.name.as_str()) {
                format!(
                    "property `{}` is empty, and the gateway counts an empty value as undefined",
                    used.name
                )
            } else {
                let hint = suggester.did_you_mean(&used.name);
                format!("no property defines `{}`{hint}", used.name)
            };
            cx.report(
                Diagnostic::new(used.span, message)
                    .label("undefined")
                    .help("define the property in `<properties>` or use one that is; the gateway will not start otherwise"),
            );
        }
    }
}
