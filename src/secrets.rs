//! Which values are secrets: key names that hold them, and the line scans
//! that find them in any text. Each format marks its own secrets with these
//! (`ParsedDocument::secrets`); their ranges are recorded on the source
//! file so that no rendering of the text (snippets, LSP) ever shows them,
//! and rules never put them in messages.

use crate::source::TextRange;

// Flags and paths about secrets are not secrets themselves.
const NOT_SECRET: &[&str] = &[
    ".hex",
    ".enabled",
    ".required",
    ".file",
    ".path",
    ".algorithm",
    ".type",
    ".dir",
];

/// Parts of key names that mark a secret.
const SECRET: &[&str] = &[
    "password",
    "passwd",
    "passphrase",
    "secret",
    "credential",
    "requirepass",
    "masterauth",
    "privatekey",
    "private_key",
    "private.key",
    "apikey",
    "api_key",
    "api.key",
    "accesskey",
    "access_key",
    "access.key",
    "auth.value",
    "salt",
    "token",
    "api-key",
    "pass_encoded",
    "psk",
];

/// Where the password of a `scheme://user:password@host/...` URL lies in it.
#[must_use]
pub fn dsn_password(url: &str) -> Option<std::ops::Range<usize>> {
    let authority_start = url.find("://")? + 3;
    let authority_end = url[authority_start..]
        .find('/')
        .map_or(url.len(), |i| authority_start + i);
    let at = url[authority_start..authority_end].rfind('@')? + authority_start;
    let colon = url[authority_start..at].find(':')? + authority_start;
    (colon + 1 < at).then_some(colon + 1..at)
}

/// Words that mark a key as a secret's when they end it.
// `key` and `pas` end many names that are no secret (`proxy_cache_key`,
// a misspelt `requirepas`): masking those costs nothing, showing a secret
// under such a name would.
const SECRET_ENDINGS: &[&str] = &["pass", "pwd", "pw", "pas", "key"];

/// For each lowercase byte, the set of lowercase letters that follow it at
/// the start of a word of [`SECRET`] or [`SECRET_ENDINGS`] (bit `c - b'a'`):
/// two table lookups rule out almost every position of a line.
const WORD_STARTS: [u32; 256] = {
    let mut table = [0u32; 256];
    let mut i = 0;
    while i < SECRET.len() + SECRET_ENDINGS.len() {
        let word = if i < SECRET.len() {
            SECRET[i].as_bytes()
        } else {
            SECRET_ENDINGS[i - SECRET.len()].as_bytes()
        };
        table[word[0] as usize] |= 1 << (word[1] - b'a');
        i += 1;
    }
    table
};

/// Whether a word of the tables may start at `i`.
fn may_start_word(text: &[u8], i: usize) -> bool {
    let follows = WORD_STARTS[usize::from(text[i].to_ascii_lowercase())];
    follows != 0
        && text.get(i + 1).is_some_and(|&next| {
            next.is_ascii_alphabetic() && follows & (1 << (next.to_ascii_lowercase() - b'a')) != 0
        })
}

fn starts_with_ignore_case(text: &[u8], word: &[u8]) -> bool {
    text.get(..word.len())
        .is_some_and(|head| head.eq_ignore_ascii_case(word))
}

fn ends_with_ignore_case(text: &[u8], word: &str) -> bool {
    text.len() >= word.len()
        && text[text.len() - word.len()..].eq_ignore_ascii_case(word.as_bytes())
}

/// Whether `text` contains a word of `words` at `i`, in any case.
fn word_at(text: &[u8], i: usize, words: &[&str]) -> bool {
    let first = text[i].to_ascii_lowercase();
    words
        .iter()
        .any(|w| w.as_bytes()[0] == first && starts_with_ignore_case(&text[i..], w.as_bytes()))
}

/// nginx's `proxy_pass`, `fastcgi_pass`, `proxy_pass_header`, ...: they
/// pass requests on, they hold no password.
fn is_nginx_pass(key: &[u8]) -> bool {
    const MODULES: &[&str] = &["proxy", "fastcgi", "uwsgi", "scgi", "grpc", "memcached"];
    MODULES.iter().any(|m| {
        starts_with_ignore_case(key, m.as_bytes()) && {
            let rest = &key[m.len()..];
            rest.eq_ignore_ascii_case(b"_pass") || starts_with_ignore_case(rest, b"_pass_")
        }
    })
}

/// Whether a key (property, option, variable or `-D` name) holds a secret.
#[must_use]
pub fn is_secret_key(key: &str) -> bool {
    let key = key.as_bytes();
    // Gluu writes `ldapPass`, `oxauthClient_pw`, `defaultTrustStorePW`.
    let secret = (0..key.len()).any(|i| may_start_word(key, i) && word_at(key, i, SECRET))
        || SECRET_ENDINGS.iter().any(|e| ends_with_ignore_case(key, e));
    // A bare `key` (csync2, stunnel) names a key file; the file itself is
    // key material and masked whole.
    secret
        && !key.eq_ignore_ascii_case(b"key")
        && !NOT_SECRET.iter().any(|s| ends_with_ignore_case(key, s))
        && !is_nginx_pass(key)
}

/// Adds to `ranges` the secrets the line scans find in any text, whatever
/// its format: `key = value` lines of a secret key, command-line
/// passwords, Oracle thin and URL passwords.
pub fn scan(text: &str, ranges: &mut Vec<TextRange>) {
    scan_lines(text, ranges);
    scan_redis_cli_passwords(text, ranges);
    scan_oracle_passwords(text, ranges);
    scan_url_passwords(text, ranges);
}

/// Defence in depth, whatever the parser made of the file: on every line
/// that reads `key = value`, `key: value` or `key value` (also commented
/// out, also after `export` or `-D`), a secret key's value is masked.
fn scan_lines(text: &str, ranges: &mut Vec<TextRange>) {
    let bytes = text.as_bytes();
    let is_break = |b: &u8| matches!(b, b'\n' | b'\r');
    let mut at = 0;
    // Only lines holding a hint are read: find the next hint, then its line.
    while let Some(hint) = next_hint(bytes, at) {
        let offset = bytes[..hint]
            .iter()
            .rposition(is_break)
            .map_or(0, |p| p + 1);
        let end = bytes[hint..]
            .iter()
            .position(is_break)
            .map_or(bytes.len(), |p| hint + p);
        at = end;
        let content = &text[offset..end];
        let body =
            content.trim_start_matches(|c: char| c.is_whitespace() || matches!(c, '#' | '!' | ';'));
        let body = body.strip_prefix("export ").unwrap_or(body).trim_start();
        let key_len = body
            .find(|c: char| c.is_whitespace() || matches!(c, '=' | ':'))
            .unwrap_or(body.len());
        let key = body[..key_len]
            .trim_start_matches("-D")
            .trim_matches(|c| c == '"' || c == '\'');
        // A comment line whose "value" follows the key after a blank and
        // runs on for several unquoted words is prose ("token in this file,
        // you can..."), not a commented-out setting.
        let commented = content.trim_start().starts_with(['#', '!', ';']);
        let after_key = body[key_len..].trim_start();
        let prose = commented
            && !after_key.starts_with(['=', ':', '"', '\''])
            && after_key.split_whitespace().nth(2).is_some();
        if key_len < body.len() && is_secret_key(key) && !prose {
            // The value starts after the separator and the blanks around it.
            let rest = &body[key_len..];
            let rest_trimmed = rest.trim_start();
            let rest_trimmed = rest_trimmed
                .strip_prefix(['=', ':'])
                .unwrap_or(rest_trimmed)
                .trim_start();
            let value_start = offset + (content.len() - rest_trimmed.len());
            if value_start < offset + content.len() {
                ranges.push(TextRange::from_usize(value_start..offset + content.len()));
            }
        }
        // Also `name=value` pairs inside a value: URL parameters
        // (`...?user=x&password=y`), `;`-separated connection strings.
        mask_inner_pairs(content, offset, ranges);
        // Also `-Dsecret.key=value` tokens in the middle of a line (the
        // pass above finds those after a blank; this one finds the rest).
        let mut search = 0;
        while let Some(at) = content[search..].find("-D") {
            let start = search + at + 2;
            let rest = &content[start..];
            let token_len = rest
                .find(|c: char| c.is_whitespace() || c == '"' || c == '\'')
                .unwrap_or(rest.len());
            if let Some(eq) = rest[..token_len].find('=')
                && is_secret_key(&rest[..eq])
            {
                ranges.push(TextRange::from_usize(
                    offset + start + eq + 1..offset + start + token_len,
                ));
            }
            search = start;
        }
        // And long options of a command line: `--requirepass VALUE`,
        // `--masterauth=VALUE`.
        mask_long_options(content, offset, ranges);
    }
}

/// The keys of a PSK file read as a stunnel configuration: on a line
/// without `=` (no option) and no section, what follows `identity:`.
pub fn scan_psk_lines(text: &str, ranges: &mut Vec<TextRange>) {
    let mut offset = 0;
    for line in text.split_inclusive('\n') {
        let content = line.trim();
        if !content.is_empty()
            && !content.starts_with([';', '#', '['])
            && !content.contains('=')
            && let Some(colon) = line.find(':')
        {
            let end = line.trim_end().len();
            if colon + 1 < end {
                ranges.push(TextRange::from_usize(offset + colon + 1..offset + end));
            }
        }
        offset += line.len();
    }
}

/// The password of an Oracle thin JDBC URL
/// (`jdbc:oracle:thin:user/PASSWORD@//host:1521/service`).
fn scan_oracle_passwords(text: &str, ranges: &mut Vec<TextRange>) {
    let mut search = 0;
    while let Some(at) = text[search..].find(":thin:") {
        let start = search + at + ":thin:".len();
        search = start;
        let rest = &text[start..];
        let token_end = rest
            .find(|c: char| c.is_whitespace() || matches!(c, '"' | '\'' | '<'))
            .unwrap_or(rest.len());
        let token = &rest[..token_end];
        if let (Some(slash), Some(at)) = (token.find('/'), token.find('@'))
            && slash + 1 < at
        {
            ranges.push(TextRange::from_usize(start + slash + 1..start + at));
        }
    }
}

/// The password of `redis-cli -a PASSWORD` (health checks, scripts), also
/// written as a list (`["CMD", "redis-cli", "-a", "PASSWORD", "ping"]`).
fn scan_redis_cli_passwords(text: &str, ranges: &mut Vec<TextRange>) {
    let mut search = 0;
    while let Some(at) = text[search..].find("redis-cli") {
        let start = search + at + "redis-cli".len();
        search = start;
        let line_end = text[start..].find('\n').map_or(text.len(), |p| start + p);
        let line = &text[start..line_end];
        let separators = |c: char| c.is_whitespace() || matches!(c, '"' | '\'' | ',');
        let mut rest = line;
        while let Some(flag) = rest.find("-a") {
            let before_ok = flag == 0 || rest[..flag].ends_with(separators);
            let after = &rest[flag + 2..];
            rest = after;
            if !before_ok || !after.starts_with(separators) {
                continue;
            }
            let value = after.trim_start_matches(separators);
            let len = value.find(separators).unwrap_or(value.len());
            if len > 0 {
                let value_start = line_end - value.len();
                ranges.push(TextRange::from_usize(value_start..value_start + len));
            }
        }
    }
}

/// The values of `--name VALUE` and `--name=VALUE` options with a secret's
/// name anywhere in `content` (a line starting at `offset`).
fn mask_long_options(content: &str, offset: usize, ranges: &mut Vec<TextRange>) {
    let token_end = |s: &str| {
        s.find(|c: char| c.is_whitespace() || c == '"' || c == '\'')
            .unwrap_or(s.len())
    };
    let mut search = 0;
    while let Some(at) = content[search..].find("--") {
        let start = search + at + 2;
        search = start;
        let rest = &content[start..];
        let name_len = rest
            .find(|c: char| c.is_whitespace() || matches!(c, '=' | '"' | '\''))
            .unwrap_or(rest.len());
        if name_len == 0 || !is_secret_key(&rest[..name_len]) {
            continue;
        }
        let after = &rest[name_len..];
        let value_at = if after.starts_with('=') {
            start + name_len + 1
        } else {
            let trimmed = after.trim_start_matches([' ', '\t']);
            if trimmed.is_empty() || trimmed.starts_with('-') {
                continue;
            }
            start + name_len + (after.len() - trimmed.len())
        };
        let value = &content[value_at..];
        let value = value.trim_start_matches(['"', '\'']);
        let value_start = content.len() - value.len();
        let len = token_end(value);
        if len > 0 {
            ranges.push(TextRange::from_usize(
                offset + value_start..offset + value_start + len,
            ));
        }
    }
}

/// Masks the value of every `name=value` in `line` whose name is a
/// secret's and starts after a separator (`?`, `&`, `;`, `,`, a blank, a
/// quote or a bracket), up to the next such separator.
fn mask_inner_pairs(line: &str, offset: usize, ranges: &mut Vec<TextRange>) {
    let bytes = line.as_bytes();
    let is_name = |b: u8| b.is_ascii_alphanumeric() || matches!(b, b'_' | b'.' | b'-');
    let ends_value = |b: u8| matches!(b, b'&' | b';' | b',' | b'"' | b'\'' | b')' | b' ' | b'\t');
    let mut from = 0;
    while let Some(hint) = next_hint(bytes, from) {
        let start = bytes[..hint]
            .iter()
            .rposition(|&b| !is_name(b))
            .map_or(0, |p| p + 1);
        let mut end = hint;
        while end < bytes.len() && is_name(bytes[end]) {
            end += 1;
        }
        from = end.max(hint + 1);
        let separated = start == 0
            || matches!(
                bytes[start - 1],
                b'?' | b'&' | b';' | b',' | b' ' | b'\t' | b'"' | b'\'' | b'('
            );
        if start == 0 || !separated || bytes.get(end) != Some(&b'=') {
            // A name at the line's start is the key-value case above.
            continue;
        }
        if !is_secret_key(&line[start..end]) {
            continue;
        }
        let value_start = end + 1;
        let value_end = bytes[value_start..]
            .iter()
            .position(|&b| ends_value(b))
            .map_or(bytes.len(), |p| value_start + p);
        if value_end > value_start {
            ranges.push(TextRange::from_usize(
                offset + value_start..offset + value_end,
            ));
        }
    }
}

/// Masks the password of every `scheme://user:password@host` URL in
/// `text`, whatever the format and the key.
fn scan_url_passwords(text: &str, ranges: &mut Vec<TextRange>) {
    static SCHEME_END: std::sync::LazyLock<aho_corasick::AhoCorasick> =
        std::sync::LazyLock::new(|| aho_corasick::AhoCorasick::new(["://"]).expect("one pattern"));
    for found in SCHEME_END.find_iter(text) {
        // The URL runs from its scheme to the next blank or quote.
        let start = text[..found.start()]
            .char_indices()
            .rev()
            .find(|&(_, c)| c.is_whitespace() || matches!(c, '"' | '\'' | '=' | '<' | '>'))
            .map_or(0, |(at, c)| at + c.len_utf8());
        let end = text[found.start()..]
            .find(|c: char| c.is_whitespace() || matches!(c, '"' | '\'' | '<' | '>'))
            .map_or(text.len(), |p| found.start() + p);
        if let Some(password) = dsn_password(&text[start..end]) {
            ranges.push(TextRange::from_usize(
                start + password.start..start + password.end,
            ));
        } else if let Some(user) = url_user(&text[start..end]) {
            // A user part alone is often a token (`https://TOKEN@host/`).
            ranges.push(TextRange::from_usize(start + user.start..start + user.end));
        }
    }
}

/// The user part of `scheme://user@host...` (no password in it).
fn url_user(url: &str) -> Option<std::ops::Range<usize>> {
    let authority_start = url.find("://")? + 3;
    let authority_end = url[authority_start..]
        .find('/')
        .map_or(url.len(), |i| authority_start + i);
    let at = url[authority_start..authority_end].rfind('@')? + authority_start;
    (authority_start < at).then_some(authority_start..at)
}

/// Where the next word of [`SECRET`] or [`SECRET_ENDINGS`] starts in
/// `text`, from `from` on, in any case. One automaton over the whole file
/// (with its vectorised prefilter) instead of a test at every byte.
fn next_hint(text: &[u8], from: usize) -> Option<usize> {
    static WORDS: std::sync::LazyLock<aho_corasick::AhoCorasick> = std::sync::LazyLock::new(|| {
        aho_corasick::AhoCorasick::builder()
            .ascii_case_insensitive(true)
            .kind(Some(aho_corasick::AhoCorasickKind::DFA))
            .build(SECRET.iter().chain(SECRET_ENDINGS))
            .expect("fixed word list")
    });
    WORDS.find(&text[from..]).map(|m| from + m.start())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn masked(format: crate::formats::Format, text: &str) -> Vec<String> {
        crate::formats::parse(format, text)
            .secrets(text)
            .iter()
            .map(|r| r.slice(text).to_string())
            .collect()
    }

    #[test]
    fn sentinel_passwords_and_csync2_database_passwords_are_secret() {
        use crate::formats::Format;
        let sentinel = "sentinel monitor mymaster 10.0.0.3 6379 2\nsentinel auth-pass mymaster Zq9-sentinel-pw\nsentinel sentinel-pass Zq9-other-pw\n";
        assert_eq!(
            masked(Format::REDIS, sentinel),
            ["Zq9-sentinel-pw", "Zq9-other-pw"]
        );
        let csync2 =
            "database \"pgsql://csync2:Zq9-db-pw@db.example.org/csync2\";\ngroup g { host a; }\n";
        assert_eq!(masked(Format::CSYNC2, csync2), ["Zq9-db-pw"]);
        assert_eq!(dsn_password("sqlite3:///var/lib/csync2.db"), None);
        assert_eq!(dsn_password("mysql://user@host/db"), None);
    }

    #[test]
    fn passwords_inside_values_and_urls_are_secret() {
        use crate::formats::Format;
        let text = "jdbc.default.url=jdbc:mysql://db/lportal?user=liferay&password=Zq9-url-pw&useSSL=true\njdbc.x.url=jdbc:mysql://liferay:Zq9-userinfo-pw@db:3306/lportal\nplain=https://example.org/a?b=c\n";
        assert_eq!(
            masked(Format::LIFERAY_PROPERTIES, text),
            ["Zq9-url-pw", "Zq9-userinfo-pw"]
        );
        let nginx = "location / { proxy_pass http://backend; return 302 \"https://u:Zq9-nginx-pw@host/\"; }\n";
        assert_eq!(masked(Format::NGINX, nginx), ["Zq9-nginx-pw"]);
    }

    #[test]
    fn long_options_of_any_line_are_secret() {
        let mut ranges = Vec::new();
        let text = "    command: redis-server /etc/redis.conf --requirepass Zq9-a --port 1\n  x: --masterauth=\"Zq9-b\" --appendonly yes\n  y: --requirepass --port 2\n";
        scan_lines(text, &mut ranges);
        let found: Vec<&str> = ranges.iter().map(|r| r.slice(text)).collect();
        assert_eq!(found, ["Zq9-a", "Zq9-b"]);
        let mut ranges = Vec::new();
        let text = "test: [\"CMD\", \"redis-cli\", \"-a\", \"Zq9-c\", \"ping\"]\nx: redis-cli -h r1 -a Zq9-d info\ny: redis-cli -h master-a ping\n";
        scan_redis_cli_passwords(text, &mut ranges);
        let found: Vec<&str> = ranges.iter().map(|r| r.slice(text)).collect();
        assert_eq!(found, ["Zq9-c", "Zq9-d"]);
    }

    #[test]
    fn prose_in_comments_is_no_secret() {
        let text = "# token in this file, you can create one by hand\n# requirepass foobared\n#password = two words\n";
        let mut ranges = Vec::new();
        scan(text, &mut ranges);
        let masked: Vec<&str> = ranges.iter().map(|r| r.slice(text)).collect();
        assert_eq!(masked, ["foobared", "two words"]);
    }

    #[test]
    fn line_scan_masks_commented_and_inline_secrets() {
        let text = "#tunneling.servlet.shared.secret=old\nrequirepass \"s3\"\nOPTS=\"-Xmx1g -Djdbc.default.password=pw -Da=b\"\n";
        let mut ranges = Vec::new();
        scan_lines(text, &mut ranges);
        ranges.dedup();
        let masked: Vec<&str> = ranges.iter().map(|r| r.slice(text)).collect();
        assert_eq!(masked, ["old", "\"s3\"", "pw"]);
    }

    #[test]
    fn secret_keys() {
        for key in [
            "tunneling.servlet.shared.secret",
            "jdbc.default.password",
            "requirepass",
            "ldapPass",
            "keystore.pwd",
            "cluster.link.auth.value",
            "encode_salt",
            "oxauthClient_pw",
            "defaultTrustStorePW",
            "httpdKeyPass",
            "pairwiseCalculationKey",
            "oxauthClient_pass_encoded",
            "X-Api-Key",
            "requirepas",
            "PSKsecrets",
            "access_token",
        ] {
            assert!(is_secret_key(key), "{key}");
        }
        for key in [
            "tunneling.servlet.shared.secret.hex",
            "tunnel.servlet.hosts.allowed",
            "jdbc.default.url",
            "hostsAllowed",
            "proxy_pass",
            "fastcgi_pass",
            "proxy_pass_header",
        ] {
            assert!(!is_secret_key(key), "{key}");
        }
    }
}
