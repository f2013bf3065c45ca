//! `redis.conf`: lines split the way Redis splits them (`sdssplitargs`).
//!
//! A line is trimmed of blanks; a first character `#` makes it a comment;
//! there are no inline comments and no continuation lines. Arguments are
//! separated by blanks; `"..."` takes `\xHH`, `\n`, `\r`, `\t`, `\b`, `\a`
//! and `\c` escapes, `'...'` only `\'`; a quoted part glued to a word is
//! concatenated with it; a closing quote must be followed by a blank or
//! the end of the line. Directive names are case-insensitive.
//!
//! Redis refuses to start on a name it does not know, so names are checked
//! against [`DIRECTIVES`]: every name some Redis-compatible server reads
//! (Redis 1.x to 7.x, Valkey, KeyDB, the Windows ports), so that a valid file
//! of any of them passes while a typo is caught. Also refused as Redis
//! refuses them: a `#` argument after other arguments (there are no inline
//! comments), `include` without exactly one file, `rename-command` without
//! exactly two names, and a directive with no value.

pub mod format;

use std::borrow::Cow;

use crate::formats::ParseError;
use crate::source::TextRange;
use crate::suggest;

/// Every directive name known to some version of Redis or of a server
/// that reads `redis.conf` (Valkey, KeyDB, the Windows ports), sorted.
/// Names with a `.` are module options and are not listed.
pub const DIRECTIVES: &[&str] = &[
    "acl-pubsub-default",
    "aclfile",
    "acllog-max-len",
    "active-client-balancing",
    "active-defrag-cycle-max",
    "active-defrag-cycle-min",
    "active-defrag-ignore-bytes",
    "active-defrag-max-scan-fields",
    "active-defrag-threshold-lower",
    "active-defrag-threshold-upper",
    "active-expire-effort",
    "active-replica",
    "activedefrag",
    "activerehashing",
    "allow-write-during-load",
    "always-show-logo",
    "aof-disable-auto-gc",
    "aof-load-truncated",
    "aof-rewrite-cpulist",
    "aof-rewrite-incremental-fsync",
    "aof-timestamp-enabled",
    "aof-use-rdb-preamble",
    "aof_rewrite_cpulist",
    "appenddirname",
    "appendfilename",
    "appendfsync",
    "appendonly",
    "auto-aof-rewrite-min-size",
    "auto-aof-rewrite-percentage",
    "availability-zone",
    "bgsave-cpulist",
    "bgsave_cpulist",
    "bind",
    "bind-source-addr",
    "bio-cpulist",
    "bio_cpulist",
    "blob-support",
    "busy-reply-threshold",
    "client-output-buffer-limit",
    "client-query-buffer-limit",
    "cluster-allow-pubsubshard-when-down",
    "cluster-allow-reads-when-down",
    "cluster-allow-replica-migration",
    "cluster-announce-bus-port",
    "cluster-announce-client-ipv4",
    "cluster-announce-client-ipv6",
    "cluster-announce-hostname",
    "cluster-announce-human-nodename",
    "cluster-announce-ip",
    "cluster-announce-port",
    "cluster-announce-tls-port",
    "cluster-blacklist-ttl",
    "cluster-config-file",
    "cluster-enabled",
    "cluster-link-sendbuf-limit",
    "cluster-migration-barrier",
    "cluster-node-timeout",
    "cluster-port",
    "cluster-preferred-endpoint-type",
    "cluster-replica-no-failover",
    "cluster-replica-validity-factor",
    "cluster-require-full-coverage",
    "cluster-slave-no-failover",
    "cluster-slave-validity-factor",
    "cluster-slot-stats-enabled",
    "crash-log-enabled",
    "crash-memcheck-enabled",
    "daemonize",
    "databases",
    "dbfilename",
    "dir",
    "disable-thp",
    "dual-channel-replication-enabled",
    "dynamic-hz",
    "enable-debug-assert",
    "enable-debug-command",
    "enable-module-command",
    "enable-motd",
    "enable-protected-configs",
    "extended-redis-compatibility",
    "force-eviction-percent",
    "glueoutputbuf",
    "gopher-enabled",
    "hash-max-listpack-entries",
    "hash-max-listpack-value",
    "hash-max-ziplist-entries",
    "hash-max-ziplist-value",
    "hash-max-zipmap-entries",
    "hash-max-zipmap-value",
    "heapdir",
    "hide-user-data-from-log",
    "hll-sparse-max-bytes",
    "hz",
    "ignore-warnings",
    "include",
    "io-threads",
    "io-threads-do-reads",
    "jemalloc-bg-thread",
    "latency-monitor-threshold",
    "latency-tracking",
    "latency-tracking-info-percentiles",
    "lazyfree-lazy-eviction",
    "lazyfree-lazy-expire",
    "lazyfree-lazy-server-del",
    "lazyfree-lazy-user-del",
    "lazyfree-lazy-user-flush",
    "lfu-decay-time",
    "lfu-log-factor",
    "list-compress-depth",
    "list-max-listpack-size",
    "list-max-ziplist-entries",
    "list-max-ziplist-size",
    "list-max-ziplist-value",
    "loading-process-events-interval-bytes",
    "loading-process-events-interval-keys",
    "loadmodule",
    "locale-collate",
    "logfile",
    "loglevel",
    "lua-replicate-commands",
    "lua-time-limit",
    "masterauth",
    "masteruser",
    "max-new-connections-per-cycle",
    "max-new-tls-connections-per-cycle",
    "maxclients",
    "maxheap",
    "maxmemory",
    "maxmemory-clients",
    "maxmemory-eviction-tenacity",
    "maxmemory-policy",
    "maxmemory-samples",
    "min-clients-per-thread",
    "min-replicas-max-lag",
    "min-replicas-to-write",
    "min-slaves-max-lag",
    "min-slaves-to-write",
    "multi-master",
    "multi-master-no-forward",
    "no-appendfsync-on-rewrite",
    "notify-keyspace-events",
    "oom-score-adj",
    "oom-score-adj-values",
    "overload-protect-percent",
    "persistence-available",
    "pidfile",
    "port",
    "prefetch-batch-max-size",
    "primaryauth",
    "primaryuser",
    "proc-title-template",
    "propagation-error-behavior",
    "protected-mode",
    "proto-max-bulk-len",
    "rdb-del-sync-files",
    "rdb-save-incremental-fsync",
    "rdbchecksum",
    "rdbcompression",
    "really-use-vm",
    "rename-command",
    "repl-backlog-size",
    "repl-backlog-ttl",
    "repl-disable-tcp-nodelay",
    "repl-diskless-load",
    "repl-diskless-sync",
    "repl-diskless-sync-delay",
    "repl-diskless-sync-max-replicas",
    "repl-ping-replica-period",
    "repl-ping-slave-period",
    "repl-timeout",
    "replica-announce-ip",
    "replica-announce-port",
    "replica-announced",
    "replica-ignore-disk-write-errors",
    "replica-ignore-maxmemory",
    "replica-lazy-flush",
    "replica-priority",
    "replica-quorum",
    "replica-read-only",
    "replica-serve-stale-data",
    "replica-weighting-factor",
    "replicaof",
    "requirepass",
    "sanitize-dump-payload",
    "save",
    "scratch-file-path",
    "sentinel",
    "server-cpulist",
    "server-thread-affinity",
    "server-threads",
    "server_cpulist",
    "set-max-intset-entries",
    "set-max-listpack-entries",
    "set-max-listpack-value",
    "set-proc-title",
    "shareobjects",
    "shareobjectspoolsize",
    "shutdown-on-sigint",
    "shutdown-on-sigterm",
    "shutdown-timeout",
    "slave-announce-ip",
    "slave-announce-port",
    "slave-ignore-maxmemory",
    "slave-lazy-flush",
    "slave-output-buffer-limit",
    "slave-priority",
    "slave-read-only",
    "slave-serve-stale-data",
    "slaveof",
    "slowlog-log-slower-than",
    "slowlog-max-len",
    "socket-mark-id",
    "stop-writes-on-bgsave-error",
    "storage-provider",
    "stream-node-max-bytes",
    "stream-node-max-entries",
    "supervised",
    "syslog-enabled",
    "syslog-facility",
    "syslog-ident",
    "tcp-backlog",
    "tcp-keepalive",
    "timeout",
    "tls-allowlist",
    "tls-auth-clients",
    "tls-ca-cert-dir",
    "tls-ca-cert-file",
    "tls-cert-file",
    "tls-ciphers",
    "tls-ciphersuites",
    "tls-client-cert-file",
    "tls-client-key-file",
    "tls-client-key-file-pass",
    "tls-cluster",
    "tls-dh-params-file",
    "tls-key-file",
    "tls-key-file-pass",
    "tls-port",
    "tls-prefer-server-ciphers",
    "tls-protocols",
    "tls-replication",
    "tls-rotation",
    "tls-session-cache-size",
    "tls-session-cache-timeout",
    "tls-session-caching",
    "tracking-table-max-keys",
    "unixsocket",
    "unixsocketgroup",
    "unixsocketperm",
    "user",
    "vm-enabled",
    "vm-max-memory",
    "vm-max-threads",
    "vm-page-size",
    "vm-pages",
    "vm-swap-file",
    "zset-max-listpack-entries",
    "zset-max-listpack-value",
    "zset-max-ziplist-entries",
    "zset-max-ziplist-value",
];

/// Whether some Redis-compatible server reads directive `name` (lower case).
#[must_use]
pub fn is_known_directive(name: &str) -> bool {
    name.contains('.') || DIRECTIVES.binary_search(&name).is_ok()
}

/// `name` lower-cased: the entry of the known list when it is one.
fn directive_name(name: &str) -> Cow<'static, str> {
    let found = DIRECTIVES.binary_search_by(|known| {
        known
            .bytes()
            .cmp(name.bytes().map(|b| b.to_ascii_lowercase()))
    });
    match found {
        Ok(at) => Cow::Borrowed(DIRECTIVES[at]),
        Err(_) => Cow::Owned(name.to_ascii_lowercase()),
    }
}

/// Directives that may stand alone (multi-value options reset to empty,
/// `sentinel` alone turns Sentinel mode on).
const MAY_BE_EMPTY: &[&str] = &[
    "bind",
    "client-output-buffer-limit",
    "oom-score-adj-values",
    "save",
    "sentinel",
];

/// Directives whose arguments may legitimately start with `#` after the
/// first one (ACL rules `#<sha256>`, Sentinel passwords, module arguments,
/// command names).
const HASH_ARGUMENTS: &[&str] = &["loadmodule", "rename-command", "sentinel", "user"];

/// One argument.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Arg {
    /// The raw text.
    pub range: TextRange,
    /// The value where it is not the raw text: quotes removed and escapes
    /// applied, or a value from elsewhere (a command line's word).
    /// Behind a thin pointer: most arguments have none.
    decoded: Option<Box<Box<str>>>,
}

impl Arg {
    /// An argument whose value is `text`, written at `range`.
    #[must_use]
    pub fn with_text(text: &str, range: TextRange) -> Self {
        Self {
            range,
            decoded: Some(Box::new(text.into())),
        }
    }

    /// The value (quotes removed, escapes applied); `src` is the text of
    /// the file it was read from.
    #[must_use]
    pub fn text<'a>(&'a self, src: &'a str) -> &'a str {
        match &self.decoded {
            Some(text) => text,
            None => self.range.slice(src),
        }
    }
}

/// One configuration line.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RedisDirective {
    /// The name, lower-cased as Redis compares it (a known one is the
    /// list's own, not a copy).
    pub name: Cow<'static, str>,
    pub name_range: TextRange,
    pub args: Vec<Arg>,
    /// The whole line, trimmed.
    pub range: TextRange,
}

/// A parsed `redis.conf`.
#[derive(Clone, Debug, Default)]
pub struct RedisDocument {
    pub directives: Vec<RedisDirective>,
    pub comments: Vec<TextRange>,
    pub errors: Vec<ParseError>,
}

impl RedisDocument {
    /// The last line setting `name` (the last one wins).
    #[must_use]
    pub fn last(&self, name: &str) -> Option<&RedisDirective> {
        self.directives.iter().rev().find(|d| d.name == name)
    }
}

/// Parses `redis.conf` text.
#[must_use]
pub fn parse(text: &str) -> RedisDocument {
    let mut doc = RedisDocument::default();
    let mut offset = 0usize;
    // One line's arguments, reused from line to line.
    let mut scratch = Vec::new();
    // Redis splits on `\n` only; `\r` is trimmed as a blank.
    for line in text.split_inclusive('\n') {
        let start = offset;
        offset += line.len();
        let is_trim = |c: char| matches!(c, ' ' | '\t' | '\r' | '\n');
        let lead = line.len() - line.trim_start_matches(is_trim).len();
        let trimmed = line.trim_matches(is_trim);
        if trimmed.is_empty() {
            continue;
        }
        let range = TextRange::from_usize(start + lead..start + lead + trimmed.len());
        if trimmed.starts_with('#') {
            doc.comments.push(range);
            continue;
        }
        scratch.clear();
        match split_args_into(trimmed, range.start, &mut scratch) {
            Ok(()) => {
                let mut args = scratch.drain(..);
                let Some(name) = args.next() else { continue };
                let directive = RedisDirective {
                    name: directive_name(name.text(text)),
                    name_range: name.range,
                    // Sized to fit: a large file holds many lines.
                    args: args.collect(),
                    range,
                };
                check(&directive, text, &mut doc.errors);
                doc.directives.push(directive);
            }
            Err(at) => doc.errors.push(ParseError::new(
                at,
                "unbalanced quotes: Redis refuses to start with this line",
            )),
        }
    }
    doc
}

/// What Redis refuses in a well-quoted line.
fn check(d: &RedisDirective, text: &str, errors: &mut Vec<ParseError>) {
    let name = d.name.as_ref();
    // A name from the table is known (see `directive_name`).
    let known = matches!(d.name, Cow::Borrowed(_)) || name.contains('.');
    if !known {
        // The name is shown as Redis lower-cases it; it is a directive
        // name, never a value.
        let hint = if errors.len() < suggest::MAX_SUGGESTIONS_PER_FILE {
            suggest::did_you_mean(name, DIRECTIVES.iter().copied())
        } else {
            String::new()
        };
        errors.push(ParseError::new(
            d.name_range,
            format!("unknown directive `{name}`: Redis refuses to start with it{hint}"),
        ));
        return;
    }
    if d.args.is_empty() && !MAY_BE_EMPTY.contains(&name) && !name.contains('.') {
        errors.push(ParseError::new(
            d.name_range,
            format!("`{name}` needs a value: Redis refuses to start with it alone"),
        ));
        return;
    }
    if !HASH_ARGUMENTS.contains(&name)
        && let Some(hash) = d
            .args
            .iter()
            .skip(1)
            .find(|a| a.range.slice(text).starts_with('#'))
    {
        errors.push(ParseError::new(
            TextRange::new(hash.range.start, d.range.end),
            format!(
                "`#` starts no comment here: Redis has no inline comments and reads this as more arguments of `{name}`"
            ),
        ));
        return;
    }
    let expected = match name {
        "include" => Some((1, "`include` takes exactly one file")),
        "rename-command" => Some((2, "`rename-command` takes exactly two command names")),
        _ => None,
    };
    if let Some((count, message)) = expected
        && d.args.len() != count
    {
        errors.push(ParseError::new(d.range, message));
    }
}

fn is_space(c: u8) -> bool {
    matches!(c, b' ' | b'\t' | b'\n' | b'\r' | 0x0b | 0x0c)
}

/// `sdssplitargs` over one trimmed line starting at `base`. On unbalanced
/// quotes, returns the range of the offending quote.
pub fn split_args(line: &str, base: u32) -> Result<Vec<Arg>, TextRange> {
    let mut args = Vec::new();
    split_args_into(line, base, &mut args)?;
    Ok(args)
}

/// [`split_args`] into `args`.
fn split_args_into(line: &str, base: u32, args: &mut Vec<Arg>) -> Result<(), TextRange> {
    let b = line.as_bytes();
    let mut i = 0;
    loop {
        while i < b.len() && is_space(b[i]) {
            i += 1;
        }
        if i >= b.len() {
            return Ok(());
        }
        let start = i;
        // The value is built only once a quote makes it differ from the
        // raw text.
        let mut plain = true;
        let mut bytes: Vec<u8> = Vec::new();
        let mut in_dq = false;
        let mut in_sq = false;
        let mut quote_at = 0;
        loop {
            if in_dq {
                if i >= b.len() {
                    return Err(TextRange::new(
                        base + quote_at as u32,
                        base + quote_at as u32 + 1,
                    ));
                }
                if b[i] == b'\\'
                    && i + 3 < b.len()
                    && b[i + 1] == b'x'
                    && b[i + 2].is_ascii_hexdigit()
                    && b[i + 3].is_ascii_hexdigit()
                {
                    let hex = std::str::from_utf8(&b[i + 2..i + 4]).unwrap_or("0");
                    bytes.push(u8::from_str_radix(hex, 16).unwrap_or(0));
                    i += 4;
                    continue;
                }
                if b[i] == b'\\' && i + 1 < b.len() {
                    bytes.push(match b[i + 1] {
                        b'n' => b'\n',
                        b'r' => b'\r',
                        b't' => b'\t',
                        b'b' => 8,
                        b'a' => 7,
                        other => other,
                    });
                    i += 2;
                    continue;
                }
                if b[i] == b'"' {
                    // The closing quote must be followed by a blank or the end.
                    if i + 1 < b.len() && !is_space(b[i + 1]) {
                        return Err(TextRange::new(base + i as u32, base + i as u32 + 1));
                    }
                    i += 1;
                    break;
                }
                bytes.push(b[i]);
                i += 1;
            } else if in_sq {
                if i >= b.len() {
                    return Err(TextRange::new(
                        base + quote_at as u32,
                        base + quote_at as u32 + 1,
                    ));
                }
                if b[i] == b'\\' && b.get(i + 1) == Some(&b'\'') {
                    bytes.push(b'\'');
                    i += 2;
                    continue;
                }
                if b[i] == b'\'' {
                    if i + 1 < b.len() && !is_space(b[i + 1]) {
                        return Err(TextRange::new(base + i as u32, base + i as u32 + 1));
                    }
                    i += 1;
                    break;
                }
                bytes.push(b[i]);
                i += 1;
            } else {
                if i >= b.len() {
                    break;
                }
                match b[i] {
                    b' ' | b'\n' | b'\r' | b'\t' => break,
                    b'"' | b'\'' => {
                        if plain {
                            plain = false;
                            bytes.extend_from_slice(&b[start..i]);
                        }
                        in_dq = b[i] == b'"';
                        in_sq = !in_dq;
                        quote_at = i;
                    }
                    c => {
                        if !plain {
                            bytes.push(c);
                        }
                    }
                }
                i += 1;
            }
        }
        let range = TextRange::new(base + start as u32, base + i as u32);
        let decoded = (!plain).then(|| {
            String::from_utf8(bytes)
                .unwrap_or_else(|e| String::from_utf8_lossy(e.as_bytes()).into_owned())
                .into_boxed_str()
        });
        let decoded = decoded.map(Box::new);
        args.push(Arg { range, decoded });
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn args(line: &str) -> Result<Vec<String>, TextRange> {
        split_args(line, 0).map(|a| a.iter().map(|a| a.text(line).to_string()).collect())
    }

    #[test]
    fn splitting() {
        assert_eq!(
            args("requirepass foo\"bar baz\"").unwrap(),
            ["requirepass", "foobar baz"]
        );
        assert_eq!(args("save \"\"").unwrap(), ["save", ""]);
        assert_eq!(
            args("a \"\\x41\\n\" 'it\\'s'").unwrap(),
            ["a", "A\n", "it's"]
        );
        assert!(args("requirepass \"abc\"def").is_err());
        assert!(args("requirepass \"abc").is_err());
    }

    #[test]
    fn lines() {
        let text =
            "# comment\n  PORT 7000\r\nbind 127.0.0.1 -::1\n\nport 6379 # no inline comments\n";
        let doc = parse(text);
        assert_eq!(doc.comments.len(), 1);
        assert_eq!(doc.directives.len(), 3);
        assert_eq!(doc.directives[0].name, "port");
        assert_eq!(doc.directives[0].name_range.slice(text), "PORT");
        assert_eq!(doc.directives[1].args.len(), 2);
        assert_eq!(doc.last("port").unwrap().args.len(), 5);
        assert_eq!(doc.errors.len(), 1);
    }

    #[test]
    fn names_are_lower_cased_and_known_ones_are_the_tables_own() {
        assert!(matches!(
            directive_name("RequirePass"),
            Cow::Borrowed("requirepass")
        ));
        assert!(matches!(
            directive_name("maxmemory"),
            Cow::Borrowed("maxmemory")
        ));
        assert_eq!(directive_name("Module.Opt"), "module.opt");
        assert!(matches!(directive_name("NoSuchThing"), Cow::Owned(_)));
        assert_eq!(directive_name("NoSuchThing"), "nosuchthing");
    }

    #[test]
    fn the_table_is_sorted_and_unique() {
        assert!(DIRECTIVES.windows(2).all(|w| w[0] < w[1]));
    }

    #[test]
    fn unknown_directives_are_refused_with_a_suggestion() {
        let text = "requirepas secret\nvm-enabled no\nserver-threads 2\nmymodule.opt 1\n";
        let doc = parse(text);
        assert_eq!(doc.errors.len(), 1, "{:?}", doc.errors);
        assert_eq!(doc.errors[0].range.slice(text), "requirepas");
        assert!(
            doc.errors[0]
                .message
                .contains("did you mean `requirepass`?")
        );
        assert!(!doc.errors[0].message.contains("secret"));
    }

    #[test]
    fn inline_hash_is_an_error_but_not_in_acl_rules() {
        let text = "port 6379 # the port\nrequirepass #notacomment\nuser alice on #0123 ~* +@all\nport 7000 \"#x\"\n";
        let doc = parse(text);
        let located: Vec<&str> = doc.errors.iter().map(|e| e.range.slice(text)).collect();
        assert_eq!(located, ["# the port"]);
        assert!(doc.errors[0].message.contains("`port`"));
        // A quoted `#` argument is a value, yet still one too many for Redis;
        // that is an argument count, not a comment.
    }

    #[test]
    fn include_and_rename_arity() {
        let doc =
            parse("include a.conf b.conf\ninclude\nrename-command CONFIG\nport\nsave\nsentinel\n");
        let messages: Vec<&str> = doc.errors.iter().map(|e| e.message.as_ref()).collect();
        assert_eq!(messages.len(), 4, "{messages:?}");
        assert!(messages[0].contains("exactly one file"));
        assert!(messages[1].contains("needs a value"));
        assert!(messages[2].contains("exactly two"));
        assert!(messages[3].contains("`port` needs a value"));
    }
}
