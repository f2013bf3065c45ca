use crate::diagnostic::Diagnostic;
use crate::rules::{RuleContext, declare_rule};

declare_rule! {
    /// ## What it does
    /// Reports `<allow-origin>*</allow-origin>` in a service's
    /// `cross-site-constraint`.
    ///
    /// ## Why is this bad?
    /// Any web page on any site may then open connections to the service
    /// in its visitors' browsers, with their cookies and credentials. The
    /// Enterprise Shield walkthrough uses `*` for brevity; production
    /// services should name the origins of their own pages.
    ///
    /// ## Example
    /// ```xml
    /// <cross-site-constraint>
    ///   <allow-origin>*</allow-origin>
    /// </cross-site-constraint>
    /// ```
    ///
    /// ## How to fix
    /// Name the origin the service's pages come from:
    /// `<allow-origin>https://www.example.com</allow-origin>`.
    id: "kaazing/cross-site-allow-all",
    severity: Warning,
    check: Some(check),
}

fn check(cx: &mut RuleContext<'_>) {
    for gateway in &cx.cluster.kaazing {
        for service in &gateway.services {
            for origin in service
                .cross_site
                .iter()
                .filter_map(|c| c.allow_origin.as_ref())
            {
                if origin.text == "*" {
                    cx.report(
                        Diagnostic::new(
                            origin.span,
                            "any origin may use this service: `allow-origin` is `*`",
                        )
                        .label("every origin")
                        .help("name the origins of the pages that use the service"),
                    );
                }
            }
        }
    }
}
