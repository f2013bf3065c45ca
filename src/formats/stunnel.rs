//! stunnel configuration: `name = value` lines, a global section, then
//! `[service]` sections.
//!
//! Lines are trimmed; an empty line or one starting with `#` or `;` is a
//! comment (there are no inline comments); `[name]` starts a service, its
//! name not trimmed; anything else needs an `=`: the name is the text before
//! the first `=`, trailing blanks removed, the value the text after it,
//! leading blanks removed. Option names are case-insensitive. A UTF-8
//! byte-order mark on the first line is skipped.

use crate::formats::ParseError;
use crate::source::TextRange;

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
        let lead = content.len() - content.trim_start().len();
        let trimmed = content.trim();
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
        let raw_name = trimmed[..eq].trim_end();
        let raw_value = trimmed[eq + 1..].trim_start();
        let name_start = range.start as usize;
        let value_start = range.start as usize + trimmed.len() - raw_value.len();
        let option = StunnelOption {
            name: raw_name.to_ascii_lowercase(),
            name_range: TextRange::from_usize(name_start..name_start + raw_name.len()),
            value: raw_value.to_string(),
            value_range: TextRange::from_usize(value_start..value_start + raw_value.len()),
        };
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
