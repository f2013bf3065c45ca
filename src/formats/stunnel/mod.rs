//! stunnel configuration: `name = value` lines, a global section, then
//! `[service]` sections.
//!
//! Lines are trimmed; an empty line or one starting with `#` or `;` is a
//! comment (there are no inline comments); `[name]` starts a service, its
//! name not trimmed; anything else needs an `=`: the name is the text before
//! the first `=`, trailing blanks removed, the value the text after it,
//! leading blanks removed. Option names are case-insensitive. A UTF-8
//! byte-order mark on the first line is skipped. Blanks are the ASCII ones
//! C's `isspace` knows.
//!
//! stunnel refuses a name it does not know, and a global option inside a
//! `[service]`; both are reported. The names are those of every stunnel
//! from 4.00 to 5.75, Unix and Windows builds ([`GLOBAL_OPTIONS`],
//! [`SERVICE_OPTIONS`]), so that a valid file for any of them passes.

pub mod format;

use crate::formats::ParseError;
use crate::source::TextRange;
use crate::suggest;

/// Options only the global section takes, in any stunnel version (before
/// the first `[service]`).
pub const GLOBAL_OPTIONS: &[&str] = &[
    "chroot",
    "compression",
    "EGD",
    "engine",
    "engineCtrl",
    "engineDefault",
    "fips",
    "foreground",
    "iconActive",
    "iconError",
    "iconIdle",
    "log",
    "output",
    "pid",
    "provider",
    "providerParameter",
    "RNDbytes",
    "RNDfile",
    "RNDoverwrite",
    "setEnv",
    "syslog",
    "taskbar",
];

/// Options a `[service]` takes (also allowed in the global section, as
/// defaults for every service), in some stunnel version. Older names
/// (`session`, `curve`, `protocolCredentials`) are kept.
pub const SERVICE_OPTIONS: &[&str] = &[
    "accept",
    "CAengine",
    "CAfile",
    "CApath",
    "cert",
    "checkEmail",
    "checkHost",
    "checkIP",
    "ciphers",
    "ciphersuites",
    "client",
    "config",
    "connect",
    "CRLfile",
    "CRLpath",
    "curve",
    "curves",
    "debug",
    "delay",
    "engineId",
    "engineNum",
    "exec",
    "execArgs",
    "failover",
    "ident",
    "include",
    "key",
    "libwrap",
    "local",
    "logId",
    "OCSP",
    "OCSPaia",
    "OCSPflag",
    "OCSPnonce",
    "OCSPrequire",
    "options",
    "protocol",
    "protocolAuthentication",
    "protocolCredentials",
    "protocolDomain",
    "protocolHeader",
    "protocolHost",
    "protocolPassword",
    "protocolUsername",
    "PSKidentity",
    "PSKsecrets",
    "pty",
    "redirect",
    "renegotiation",
    "requireCert",
    "reset",
    "retry",
    "securityLevel",
    "service",
    "session",
    "sessionCacheSize",
    "sessionCacheTimeout",
    "sessiond",
    "sessionResume",
    "setgid",
    "setuid",
    "sni",
    "socket",
    "sslVersion",
    "sslVersionMax",
    "sslVersionMin",
    "stack",
    "ticketKeySecret",
    "ticketMacSecret",
    "TIMEOUTbusy",
    "TIMEOUTclose",
    "TIMEOUTconnect",
    "TIMEOUTidle",
    "TIMEOUTocsp",
    "transparent",
    "verify",
    "verifyChain",
    "verifyPeer",
];

/// How some stunnel version reads option `name` (any case).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum OptionScope {
    /// Only before the first `[service]`.
    Global,
    /// In a service, or in the global section as a default.
    Service,
}

/// The scope of option `name`, if some stunnel version knows it.
#[must_use]
pub fn option_scope(name: &str) -> Option<OptionScope> {
    if GLOBAL_OPTIONS.iter().any(|o| o.eq_ignore_ascii_case(name)) {
        Some(OptionScope::Global)
    } else if SERVICE_OPTIONS.iter().any(|o| o.eq_ignore_ascii_case(name)) {
        Some(OptionScope::Service)
    } else {
        None
    }
}

/// C's `isspace` in the C locale.
fn is_space(c: char) -> bool {
    matches!(c, ' ' | '\t' | '\n' | '\x0b' | '\x0c' | '\r')
}

/// `name = value`
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct StunnelOption {
    /// Lower-cased.
    pub name: String,
    pub name_range: TextRange,
    pub value: String,
    pub value_range: TextRange,
}

/// `[name]` and its options.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Service {
    pub name: String,
    /// The whole `[name]` line.
    pub header: TextRange,
    pub options: Vec<StunnelOption>,
}

impl Service {
    /// Every value of option `name` (list options such as `accept` repeat).
    pub fn all<'a>(&'a self, name: &'a str) -> impl Iterator<Item = &'a StunnelOption> + 'a {
        self.options.iter().filter(move |o| o.name == name)
    }

    /// The last value of option `name`.
    #[must_use]
    pub fn get(&self, name: &str) -> Option<&StunnelOption> {
        self.options.iter().rev().find(|o| o.name == name)
    }
}

/// A parsed stunnel configuration.
#[derive(Clone, Debug, Default)]
pub struct StunnelDocument {
    /// Options before the first section (global options and service defaults).
    pub global: Vec<StunnelOption>,
    pub services: Vec<Service>,
    pub comments: Vec<TextRange>,
    pub errors: Vec<ParseError>,
}

impl StunnelDocument {
    /// The last global value of option `name`.
    #[must_use]
    pub fn global(&self, name: &str) -> Option<&StunnelOption> {
        self.global.iter().rev().find(|o| o.name == name)
    }
}

/// The longest line stunnel reads.
const MAX_LINE: usize = 16 * 1024;

/// Parses stunnel configuration text.
#[must_use]
pub fn parse(text: &str) -> StunnelDocument {
    let mut doc = StunnelDocument::default();
    let mut offset = 0usize;
    for (number, line) in text.split_inclusive('\n').enumerate() {
        let start = offset;
        offset += line.len();
        let mut content = line;
        let mut base = start;
        if number == 0
            && let Some(rest) = content.strip_prefix('\u{feff}')
        {
            content = rest;
            base += 3;
        }
        let lead = content.len() - content.trim_start_matches(is_space).len();
        let trimmed = content.trim_matches(is_space);
        if trimmed.is_empty() {
            continue;
        }
        let range = TextRange::from_usize(base + lead..base + lead + trimmed.len());
        if trimmed.len() > MAX_LINE {
            doc.errors.push(ParseError::new(
                range,
                format!("line longer than stunnel's limit of {MAX_LINE} bytes"),
            ));
            continue;
        }
        if trimmed.starts_with(['#', ';']) {
            doc.comments.push(range);
            continue;
        }
        if trimmed.starts_with('[') && trimmed.ends_with(']') && trimmed.len() >= 2 {
            doc.services.push(Service {
                name: trimmed[1..trimmed.len() - 1].to_string(),
                header: range,
                options: Vec::new(),
            });
            continue;
        }
        let Some(eq) = trimmed.find('=') else {
            doc.errors.push(ParseError::new(
                range,
                "no `=` found: stunnel refuses this line",
            ));
            continue;
        };
        let raw_name = trimmed[..eq].trim_end_matches(is_space);
        let raw_value = trimmed[eq + 1..].trim_start_matches(is_space);
        let name_start = range.start as usize;
        let value_start = range.start as usize + trimmed.len() - raw_value.len();
        let option = StunnelOption {
            name: raw_name.to_ascii_lowercase(),
            name_range: TextRange::from_usize(name_start..name_start + raw_name.len()),
            value: raw_value.to_string(),
            value_range: TextRange::from_usize(value_start..value_start + raw_value.len()),
        };
        let in_service = !doc.services.is_empty();
        match option_scope(raw_name) {
            None => {
                // Option names are shown: they are names, never values.
                let hint = if doc.errors.len() < suggest::MAX_SUGGESTIONS_PER_FILE {
                    suggest::did_you_mean(
                        raw_name,
                        GLOBAL_OPTIONS.iter().chain(SERVICE_OPTIONS).copied(),
                    )
                } else {
                    String::new()
                };
                doc.errors.push(ParseError::new(
                    option.name_range,
                    format!(
                        "unknown option `{}`: stunnel refuses it (\"Specified option name is not valid here\"){hint}",
                        option.name
                    ),
                ));
            }
            Some(OptionScope::Global) if in_service => {
                let section = doc.services.last().map_or("", |s| s.name.as_str());
                doc.errors.push(ParseError::new(
                    option.name_range,
                    format!(
                        "`{}` is a global option: stunnel refuses it inside the `[{section}]` service; move it before the first `[service]`",
                        option.name
                    ),
                ));
            }
            Some(_) => {}
        }
        match doc.services.last_mut() {
            Some(service) => service.options.push(option),
            None => doc.global.push(option),
        }
    }
    doc
}

/// An address as stunnel reads `accept`/`connect`: a Unix socket path, or
/// `[host:]port` split at the last `:` (IPv6 literals without brackets).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Address<'a> {
    Unix(&'a str),
    /// `host` is `None` for a port alone.
    Inet {
        host: Option<&'a str>,
        port: &'a str,
    },
}

/// Splits an `accept`/`connect` value.
#[must_use]
pub fn address(value: &str) -> Address<'_> {
    if value.starts_with('/') {
        return Address::Unix(value);
    }
    match value.rsplit_once(':') {
        Some((host, port)) => Address::Inet {
            host: Some(host),
            port,
        },
        None => Address::Inet {
            host: None,
            port: value,
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sections_and_options() {
        let text = "\u{feff}cert = /etc/stunnel/secureredis.pem\npid = /var/run/stunnel.pid\n; comment\n[redis]\naccept = 197.0.2.1:16379\nconnect= 127.0.0.1:16379\nCLIENT = yes\nbogus line\n";
        // (`bogus line` has no `=`.)
        let doc = parse(text);
        assert_eq!(doc.global.len(), 2);
        assert_eq!(
            doc.global("cert").unwrap().value_range.slice(text),
            "/etc/stunnel/secureredis.pem"
        );
        assert_eq!(doc.services.len(), 1);
        let redis = &doc.services[0];
        assert_eq!(redis.name, "redis");
        assert_eq!(redis.get("connect").unwrap().value, "127.0.0.1:16379");
        assert_eq!(redis.get("client").unwrap().value, "yes");
        assert_eq!(doc.errors.len(), 1);
        assert_eq!(doc.comments.len(), 1);
    }

    #[test]
    fn unknown_and_misplaced_options() {
        let text = "PID = /run/s.pid\nconect = 1\n[a]\naccept = 19450\nconect = 127.0.0.1:19451\nforeground = yes\nTIMEOUTidle = 5\n";
        let doc = parse(text);
        let located: Vec<(&str, &str)> = doc
            .errors
            .iter()
            .map(|e| (e.range.slice(text), e.message.as_ref()))
            .collect();
        assert_eq!(located.len(), 3, "{located:?}");
        assert_eq!(located[0].0, "conect");
        assert!(located[0].1.contains("did you mean `connect`?"));
        assert_eq!(located[1].0, "conect");
        assert_eq!(located[2].0, "foreground");
        assert!(located[2].1.contains("global option"));
    }

    #[test]
    fn only_ascii_blanks_are_trimmed() {
        // A no-break space is no blank for C's isspace: it stays in the name.
        let doc = parse("[a]\n\u{a0}accept = 19450\n");
        assert_eq!(doc.services[0].options[0].name, "\u{a0}accept");
        assert_eq!(doc.errors.len(), 1);
    }

    #[test]
    fn a_bom_is_skipped_on_the_first_line_only() {
        let doc = parse("\u{feff}; comment\n\u{feff}; not a comment\n");
        assert_eq!(doc.comments.len(), 1);
        assert_eq!(doc.errors.len(), 1);
    }

    #[test]
    fn section_names_are_not_trimmed() {
        let doc = parse("[ web ]\naccept = 19450\n");
        assert_eq!(doc.services[0].name, " web ");
    }

    #[test]
    fn inline_semicolon_is_part_of_the_value() {
        let doc = parse("[a]\naccept = 127.0.0.1:19445 ; comment\n");
        assert_eq!(
            doc.services[0].get("accept").unwrap().value,
            "127.0.0.1:19445 ; comment"
        );
    }

    #[test]
    fn addresses() {
        assert_eq!(
            address(":::443"),
            Address::Inet {
                host: Some("::"),
                port: "443"
            }
        );
        assert_eq!(
            address("16379"),
            Address::Inet {
                host: None,
                port: "16379"
            }
        );
        assert_eq!(address("/run/x.sock"), Address::Unix("/run/x.sock"));
    }
}
