//! Redis as the pipeline needs it: recognising its files, its includes,
//! tree, outline and secrets.

use crate::formats::outline::{Guard, Symbol, SymbolKind};
use crate::formats::tree::{ConfigTree, TreeNode, value};
use crate::formats::{
    Claim, Confirmation, Document, FileFormat, FilePath, Format, ParseError, ParsedDocument,
    ProgramPaths, Reference, is_template, stunnel, xml,
};
use crate::secrets::is_secret_key;
use crate::source::TextRange;

use super::RedisDocument;

/// `redis.conf` and `sentinel.conf`.
pub struct RedisFormat;

static PATHS: ProgramPaths = ProgramPaths {
    usual_folders: &["/etc/redis/", "/usr/local/etc/redis/", "/etc/"],
    main_files: &["redis.conf", "sentinel.conf"],
    package_files: &[],
    package_globs: &[],
    include_folders: &[],
    relative_to_prefix: false,
    relative_to_working_dir: true,
};

impl FileFormat for RedisFormat {
    fn name(&self) -> &'static str {
        "redis"
    }

    fn parse(&self, text: &str, _max_depth: Option<usize>) -> Document {
        Document::new(super::parse(text))
    }

    fn claim(&self, path: &FilePath<'_>) -> Option<Claim> {
        let name = path.name;
        if matches!(name, "redis.conf" | "sentinel.conf") {
            Some(Claim::Name)
        } else if name.starts_with("redis-") && name.ends_with(".conf") {
            Some(Claim::Pattern)
        } else {
            None
        }
    }

    fn checks_content(&self) -> bool {
        true
    }

    fn confirm(&self, head: &[u8]) -> Confirmation {
        let head = &String::from_utf8_lossy(head);
        // A stunnel configuration named after the service it tunnels
        // (`redis-client.conf`).
        if is_template(head) {
            Confirmation::Drop
        } else if xml::format::root_element(head).is_none()
            && stunnel::format::has_service_sections(head)
        {
            Confirmation::Become(Format::STUNNEL)
        } else {
            Confirmation::Keep
        }
    }

    fn sniffs(&self, name: &str) -> bool {
        name.ends_with(".xml") || name.ends_with(".conf")
    }

    fn sniff(&self, head: &[u8]) -> bool {
        let head = &String::from_utf8_lossy(head);
        xml::format::root_element(head).is_none()
            && !stunnel::format::has_service_sections(head)
            && looks_like_redis(head)
    }

    fn program_paths(&self) -> &'static ProgramPaths {
        &PATHS
    }
}

/// Directives nearly every `redis.conf` or `sentinel.conf` writes.
const REDIS_DIRECTIVES: &[&str] = &[
    "port",
    "bind",
    "save",
    "dir",
    "dbfilename",
    "appendonly",
    "appendfilename",
    "daemonize",
    "pidfile",
    "logfile",
    "loglevel",
    "databases",
    "maxmemory",
    "maxmemory-policy",
    "requirepass",
    "masterauth",
    "masteruser",
    "replicaof",
    "slaveof",
    "protected-mode",
    "tcp-backlog",
    "tcp-keepalive",
    "timeout",
    "cluster-enabled",
    "cluster-config-file",
    "cluster-node-timeout",
    "sentinel",
    "tls-port",
    "tls-cert-file",
    "tls-key-file",
    "notify-keyspace-events",
    "repl-diskless-sync",
    "repl-diskless-sync-delay",
    "supervised",
    "always-show-logo",
    "rdbcompression",
    "rdbchecksum",
    "stop-writes-on-bgsave-error",
    "replica-read-only",
    "slave-read-only",
    "lazyfree-lazy-eviction",
    "io-threads",
    "aclfile",
    "user",
    "include",
    "loadmodule",
    "enable-debug-command",
    "appendfsync",
];

/// Whether a `.conf` of no known name is a Redis configuration: several
/// lines, every one a `name args` line whose name Redis configurations
/// use (no `=`, `{` or `;` as stunnel and nginx write).
fn looks_like_redis(text: &str) -> bool {
    let mut known = 0;
    for line in text.lines() {
        let line = line.trim();
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        if line.contains(['{', '}', ';'])
            || line
                .split_whitespace()
                .next()
                .is_some_and(|w| w.contains('='))
        {
            return false;
        }
        let name = line
            .split_whitespace()
            .next()
            .unwrap_or("")
            .to_ascii_lowercase();
        if REDIS_DIRECTIVES.contains(&name.as_str()) {
            known += 1;
        } else if !name.chars().all(|c| c.is_ascii_lowercase() || c == '-') {
            return false;
        }
    }
    known >= 2
}

impl ParsedDocument for RedisDocument {
    fn errors(&self) -> &[ParseError] {
        &self.errors
    }

    fn comments(&self) -> &[TextRange] {
        &self.comments
    }

    fn references(&self, text: &str) -> Vec<Reference> {
        self.directives
            .iter()
            .filter_map(|d| match (d.name.as_ref(), d.args.as_slice()) {
                ("include", [arg]) => {
                    Some(Reference::include(arg.text(text), arg.range, Format::REDIS))
                }
                // The certificates Redis 6+ serves TLS with.
                ("tls-cert-file" | "tls-key-file" | "tls-ca-cert-file", [arg])
                    if !arg.text(text).is_empty() =>
                {
                    Some(Reference::optional(arg.text(text), arg.range, Format::PEM))
                }
                _ => None,
            })
            .collect()
    }

    fn ranges(&self) -> Vec<TextRange> {
        let mut out = Vec::new();
        for d in &self.directives {
            out.extend([d.range, d.name_range]);
            out.extend(d.args.iter().map(|a| a.range));
        }
        out
    }

    fn tree(&self, text: &str) -> ConfigTree {
        let entries = self
            .directives
            .iter()
            .map(|d| {
                let values = d
                    .args
                    .iter()
                    .map(|a| value(a.text(text), a.range))
                    .collect();
                TreeNode::leaf(&d.name, d.name_range, values, d.range)
            })
            .collect();
        ConfigTree {
            entries,
            flat: true,
        }
    }

    fn outline(&self, text: &str, guard: &Guard) -> Vec<Symbol> {
        self.directives
            .iter()
            .map(|d| {
                // `requirepass`, `masterauth`, `user NAME ... >password`, and
                // a secret named among the arguments (`sentinel auth-pass
                // MASTER PASSWORD`).
                let secret = is_secret_key(&d.name)
                    || d.name == "user"
                    || d.args.iter().any(|a| is_secret_key(a.text(text)));
                let detail = if secret {
                    None
                } else {
                    guard.words(d.args.iter().map(|a| (a.range, a.text(text))))
                };
                Symbol::new(
                    SymbolKind::Directive,
                    &d.name,
                    "(empty directive)",
                    d.range,
                    d.name_range,
                )
                .with_detail(detail)
            })
            .collect()
    }

    fn secrets(&self, text: &str) -> Vec<TextRange> {
        let mut ranges = Vec::new();
        for d in &self.directives {
            if is_secret_key(&d.name) {
                ranges.extend(d.args.iter().map(|a| a.range));
            } else if d.name.eq_ignore_ascii_case("sentinel")
                && d.args.first().is_some_and(|a| is_secret_key(a.text(text)))
            {
                // `sentinel auth-pass MASTER PASSWORD`, `sentinel sentinel-pass PASSWORD`
                ranges.extend(d.args.iter().skip(1).last().map(|a| a.range));
            } else if d.name == "user" {
                // `user NAME on >password #sha256 <password`
                ranges.extend(
                    d.args
                        .iter()
                        .filter(|a| a.text(text).starts_with(['>', '<', '#']))
                        .map(|a| a.range),
                );
            }
        }
        ranges
    }
}
