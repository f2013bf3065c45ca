use crate::model::kaazing::SchemaProblemKind;
use crate::rules::kaazing::unknown_element::report;
use crate::rules::{RuleContext, declare_rule};

declare_rule! {
    /// ## What it does
    /// Reports what else the gateway's schema refuses in a configuration,
    /// checked after `${name}` substitution as the gateway does: a required
    /// element missing (a service without `<name>` or `<type>`), one
    /// repeated more often than allowed, a service or login-module `type`
    /// the gateway does not know, a value its type refuses
    /// (`<allow-methods>GET, POST</allow-methods>` with a space after the
    /// comma, a malformed time interval, `maybe` for a boolean), text where
    /// only elements belong, and attributes (the schema declares none).
    /// Documents in the 2015/11 and 2014/09 namespaces are checked against
    /// their own schema.
    ///
    /// ## Why is this bad?
    /// The gateway validates its configuration at startup and refuses to
    /// start on any of these.
    ///
    /// ## Example
    /// ```xml
    /// <cross-site-constraint>
    ///   <allow-origin>https://www.example.com</allow-origin>
    ///   <allow-methods>GET, POST</allow-methods>
    /// </cross-site-constraint>
    /// ```
    ///
    /// ## How to fix
    /// Write the value as its type wants it (`GET,POST`), or add the
    /// missing element; the message says which.
    id: "kaazing/schema-invalid",
    severity: Error,
    check: Some(check),
}

fn check(cx: &mut RuleContext<'_>) {
    report(cx, SchemaProblemKind::Invalid, "refused by the schema");
}
