//! Which database a node uses, from `jdbc.default.jndi.name` or
//! `jdbc.default.url`, normalised so that two spellings of one database
//! compare equal and a database on the node itself never equals another
//! node's. Descriptions never include credentials or URL parameters.

use crate::model::liferay::LiferayNode;
use crate::source::Span;

pub(crate) const URL: &str = "jdbc.default.url";
pub(crate) const JNDI: &str = "jdbc.default.jndi.name";

/// A database's identity.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum Identity {
    /// A JNDI data source name (the app server decides what it is).
    Jndi(String),
    /// A database server: hosts with ports and the database name. The
    /// driver is left out: `mysql` and `mariadb` reach the same server.
    Server { hosts: Vec<String>, name: String },
    /// Embedded in or local to the node (HSQL files, `localhost`).
    Local,
    /// A URL this module cannot take apart, compared as written.
    Other(String),
}

/// A node's database and where it is configured.
#[derive(Clone, Debug)]
pub struct Database {
    pub identity: Identity,
    /// The value that sets it, or the start of `portal-ext.properties` when
    /// the portal's embedded default applies.
    pub span: Span,
    /// Whether nothing is set (the embedded Hypersonic default).
    pub is_default: bool,
    /// A description safe to print.
    pub description: String,
}

/// The database `node` uses.
#[must_use]
pub fn of(node: &LiferayNode) -> Database {
    if let Some(jndi) = node.property(JNDI).filter(|p| !p.value.trim().is_empty()) {
        let name = jndi.value.trim().to_string();
        return Database {
            description: format!("the JNDI data source `{name}`"),
            identity: Identity::Jndi(name),
            span: jndi.value_span,
            is_default: false,
        };
    }
    match node.property(URL).filter(|p| !p.value.trim().is_empty()) {
        Some(url) => {
            let identity = parse_url(url.value.trim());
            Database {
                description: describe(&identity),
                identity,
                span: url.value_span,
                is_default: false,
            }
        }
        None => Database {
            identity: Identity::Local,
            span: node.anchor(),
            is_default: true,
            description: "the embedded Hypersonic database (no `jdbc.default.url` is set)"
                .to_string(),
        },
    }
}

fn describe(identity: &Identity) -> String {
    match identity {
        Identity::Jndi(name) => format!("the JNDI data source `{name}`"),
        Identity::Server { hosts, name } => {
            format!("the database `{name}` on `{}`", hosts.join(","))
        }
        Identity::Local => "a database on the node itself".to_string(),
        Identity::Other(_) => "the database of its `jdbc.default.url`".to_string(),
    }
}

fn default_port(kind: &str) -> Option<&'static str> {
    Some(match kind {
        "mysql" | "mariadb" => "3306",
        "postgresql" => "5432",
        "sqlserver" => "1433",
        "oracle" => "1521",
        "db2" => "50000",
        _ => return None,
    })
}

fn is_loopback(host: &str) -> bool {
    let bare = host
        .trim_start_matches('[')
        .split(']')
        .next()
        .unwrap_or(host);
    bare == "localhost" || bare == "::1" || bare.starts_with("127.")
}

/// `host[:port]` lower-cased, default port removed, credentials dropped.
fn normalize_host(kind: &str, host: &str) -> String {
    let host = host
        .rsplit_once('@')
        .map_or(host, |(_, h)| h)
        .to_ascii_lowercase();
    match (host.rsplit_once(':'), default_port(kind)) {
        (Some((h, port)), Some(default)) if port == default && !h.ends_with(':') => h.to_string(),
        _ => host,
    }
}

/// Takes a JDBC URL apart.
#[must_use]
pub fn parse_url(url: &str) -> Identity {
    let Some(rest) = url
        .get(5..)
        .filter(|_| url[..5].eq_ignore_ascii_case("jdbc:"))
    else {
        return Identity::Other(strip_params(url).to_string());
    };
    let (kind, body) = rest.split_once(':').unwrap_or((rest, ""));
    let kind = kind.to_ascii_lowercase();
    match kind.as_str() {
        "hsqldb" | "h2" => {
            let lower = body.to_ascii_lowercase();
            if lower.starts_with("hsql://")
                || lower.starts_with("hsqls://")
                || lower.starts_with("tcp://")
            {
                server(&kind, body.split_once("://").map_or(body, |(_, b)| b))
            } else {
                Identity::Local
            }
        }
        "oracle" => {
            let target = body.split_once('@').map_or("", |(_, t)| t);
            if let Some(service) = target.strip_prefix("//") {
                server(&kind, service)
            } else {
                // host:port:sid
                let parts: Vec<&str> = target.split(':').collect();
                match parts.as_slice() {
                    [host, port, sid] => identity(&kind, &[format!("{host}:{port}")], sid),
                    _ => Identity::Other(strip_params(url).to_string()),
                }
            }
        }
        "sqlserver" => {
            let body = body.trim_start_matches("//");
            let mut parts = body.split(';');
            let host = parts.next().unwrap_or("");
            let name = parts
                .filter_map(|p| p.split_once('='))
                .find(|(k, _)| {
                    k.eq_ignore_ascii_case("databaseName") || k.eq_ignore_ascii_case("database")
                })
                .map_or("", |(_, v)| v);
            identity(&kind, &[host.to_string()], name)
        }
        _ => match body.strip_prefix("//") {
            Some(rest) => server(&kind, rest),
            // `jdbc:postgresql:lportal` connects to localhost.
            None if kind == "postgresql" => Identity::Local,
            None => Identity::Other(strip_params(url).to_string()),
        },
    }
}

/// `hosts/name?params`
fn server(kind: &str, rest: &str) -> Identity {
    let rest = strip_params(rest);
    // The host list ends at the first `/` outside parentheses (MySQL's
    // `(host=h,port=p,...)` and `address=(host=h)(port=p)` forms).
    let mut depth = 0i32;
    let split = rest.char_indices().find(|&(_, c)| {
        match c {
            '(' => depth += 1,
            ')' => depth -= 1,
            _ => {}
        }
        c == '/' && depth == 0
    });
    let (hosts, name) = split.map_or((rest, ""), |(at, _)| (&rest[..at], &rest[at + 1..]));
    let hosts: Vec<String> = top_level_items(hosts).into_iter().map(host_of).collect();
    identity(kind, &hosts, name)
}

/// The comma-separated items of a host list, commas inside parentheses
/// kept.
fn top_level_items(list: &str) -> Vec<&str> {
    let mut out = Vec::new();
    let (mut depth, mut start) = (0i32, 0);
    for (at, c) in list.char_indices() {
        match c {
            '(' => depth += 1,
            ')' => depth -= 1,
            ',' if depth == 0 => {
                out.push(&list[start..at]);
                start = at + 1;
            }
            _ => {}
        }
    }
    out.push(&list[start..]);
    out
}

/// `host:port` of one host item: plain, `(host=h,port=p,...)` or
/// `address=(host=h)(port=p)(...)`. Other keys (user, password) are left
/// out.
fn host_of(item: &str) -> String {
    let item = item.trim();
    let body = item.strip_prefix("address=").unwrap_or(item);
    if !body.starts_with('(') {
        return item.to_string();
    }
    let (mut host, mut port) = ("", "");
    for pair in body.split(['(', ')', ',']).filter(|p| !p.is_empty()) {
        match pair.split_once('=') {
            Some((k, v)) if k.trim().eq_ignore_ascii_case("host") => host = v.trim(),
            Some((k, v)) if k.trim().eq_ignore_ascii_case("port") => port = v.trim(),
            _ => {}
        }
    }
    if port.is_empty() {
        host.to_string()
    } else {
        format!("{host}:{port}")
    }
}

fn identity(kind: &str, hosts: &[String], name: &str) -> Identity {
    let hosts: Vec<String> = hosts.iter().map(|h| normalize_host(kind, h)).collect();
    // No host (`jdbc:mysql:///lportal`) means localhost.
    let local = |h: &String| {
        h.is_empty()
            || h.starts_with(':')
            || is_loopback(h.split(':').next().unwrap_or(h))
            || is_loopback(h)
    };
    if hosts.iter().all(local) {
        return Identity::Local;
    }
    Identity::Server {
        hosts,
        name: name.to_string(),
    }
}

fn strip_params(url: &str) -> &str {
    url.split(['?', ';']).next().unwrap_or(url)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn server(host: &str, name: &str) -> Identity {
        Identity::Server {
            hosts: vec![host.to_string()],
            name: name.to_string(),
        }
    }

    #[test]
    fn spellings_of_one_database_agree() {
        let a = parse_url(
            "jdbc:mysql://DB.example.org/lportal?useUnicode=true&characterEncoding=UTF-8",
        );
        let b = parse_url("jdbc:mysql://db.example.org:3306/lportal");
        assert_eq!(a, b);
        assert_eq!(a, server("db.example.org", "lportal"));
        assert_eq!(
            parse_url("jdbc:postgresql://user:pw@db:5433/lportal"),
            server("db:5433", "lportal")
        );
        assert_eq!(
            parse_url("jdbc:sqlserver://db.example.org;databaseName=lportal;encrypt=true"),
            server("db.example.org", "lportal")
        );
        assert_eq!(
            parse_url("jdbc:oracle:thin:@db:1521:ORCL"),
            server("db", "ORCL")
        );
    }

    #[test]
    fn mysql_key_value_hosts_leave_their_credentials_out() {
        let a =
            parse_url("jdbc:mysql://(host=db.example.org,port=3306,user=lr,password=pw1)/lportal");
        let b = parse_url(
            "jdbc:mysql://address=(host=db.example.org)(port=3306)(password=pw2)/lportal",
        );
        assert_eq!(a, server("db.example.org", "lportal"));
        assert_eq!(b, server("db.example.org", "lportal"));
    }

    #[test]
    fn local_databases() {
        assert_eq!(parse_url("jdbc:mysql://localhost/lportal"), Identity::Local);
        assert_eq!(
            parse_url("jdbc:hsqldb:${liferay.home}/data/hypersonic/lportal"),
            Identity::Local
        );
        assert_eq!(
            parse_url("jdbc:mariadb://127.0.0.1:3306/lportal"),
            Identity::Local
        );
    }
}
