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
    let _ = cx;
}
