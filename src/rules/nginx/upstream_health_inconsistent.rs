use crate::diagnostic::Diagnostic;
use crate::rules::consensus::majority;
use crate::rules::{RuleContext, declare_rule};

declare_rule! {
    /// ## What it does
    /// Notes servers of one upstream whose failure settings (`max_fails`,
    /// default 1, and `fail_timeout`, default 10s) differ from those of
    /// most of its servers. Times compare by value (`60s`, `60` and `1m` are equal).
    ///
    /// ## Why is this bad?
    /// Nodes of one cluster are meant to be interchangeable; a server that
    /// is taken out after one error while the others tolerate three is
    /// usually an edit that reached only some lines, and makes failover
    /// uneven.
    ///
    /// ## Example
    /// ```nginx
    /// upstream backend {
    ///     server 192.0.2.11:443 max_fails=2 fail_timeout=10s;
    ///     server 192.0.2.12:443 max_fails=2 fail_timeout=10s;
    ///     server 192.0.2.13:443;
    /// }
    /// ```
    ///
    /// ## How to fix
    /// Give every server of the upstream the same `max_fails` and
    /// `fail_timeout`.
    id: "nginx/upstream-health-inconsistent",
    severity: Info,
    check: Some(check),
}

fn check(cx: &mut RuleContext<'_>) {
    for config in &cx.cluster.nginx {
        for upstream in &config.upstreams {
            if upstream.servers.len() < 2 {
                continue;
            }
            let settings: Vec<(String, Option<u64>)> = upstream
                .servers
                .iter()
                .map(|s| {
                    let fails = s
                        .max_fails
                        .as_ref()
                        .map_or("1", |m| m.text.as_str())
                        .to_string();
                    let timeout = s
                        .fail_timeout
                        .as_ref()
                        .map_or(Some(10_000), |t| milliseconds(&t.text));
                    (fails, timeout)
                })
                .collect();
            let Some(agreement) = majority(&settings) else {
                continue;
            };
            let reference = &upstream.servers[agreement.reference[0]];
            let shown = |s: &crate::model::nginx::UpstreamServer| {
                format!(
                    "max_fails={} fail_timeout={}",
                    s.max_fails.as_ref().map_or("1", |m| m.text.as_str()),
                    s.fail_timeout.as_ref().map_or("10s", |t| t.text.as_str())
                )
            };
            for &i in &agreement.outliers {
                let server = &upstream.servers[i];
                // Point at the setting that differs, where it is written.
                let (fails, timeout) = (&settings[i], &settings[agreement.reference[0]]);
                let written = if fails.0 == timeout.0 {
                    server.fail_timeout.as_ref()
                } else {
                    server.max_fails.as_ref()
                };
                let span = written.map_or(server.address, |t| t.span);
                cx.report(
                    Diagnostic::new(
                        span,
                        format!(
                            "`{}` in upstream `{}` fails over with `{}`, most of its servers with `{}`",
                            server.host_text,
                            upstream.name.text,
                            shown(server),
                            shown(reference)
                        ),
                    )
                    .label("differs")
                    .related(reference.span, "most servers")
                    .help("give every server of the upstream the same `max_fails` and `fail_timeout`"),
                );
            }
        }
    }
}

/// `ngx_parse_time`: a sum of numbers with units `ms s m h d w M y`
/// (seconds when none).
fn milliseconds(text: &str) -> Option<u64> {
    let mut total = 0u64;
    let mut rest = text;
    while !rest.is_empty() {
        let digits = rest
            .find(|c: char| !c.is_ascii_digit())
            .unwrap_or(rest.len());
        let number: u64 = rest[..digits].parse().ok()?;
        rest = &rest[digits..];
        let (unit, len) = match rest.as_bytes() {
            [b'm', b's', ..] => (1, 2),
            [b's', ..] => (1000, 1),
            [b'm', ..] => (60_000, 1),
            [b'h', ..] => (3_600_000, 1),
            [b'd', ..] => (86_400_000, 1),
            [b'w', ..] => (604_800_000, 1),
            [b'M', ..] => (2_592_000_000, 1),
            [b'y', ..] => (31_536_000_000, 1),
            [] => (1000, 0),
            _ => return None,
        };
        total = total.checked_add(number.checked_mul(unit)?)?;
        rest = &rest[len..];
    }
    Some(total)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn times() {
        assert_eq!(milliseconds("10s"), Some(10_000));
        assert_eq!(milliseconds("10"), Some(10_000));
        assert_eq!(milliseconds("1m30s"), Some(90_000));
        assert_eq!(milliseconds("500ms"), Some(500));
        assert_eq!(milliseconds("x"), None);
    }
}
