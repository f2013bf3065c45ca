//! nginx as the pipeline needs it: recognising its files, its includes,
//! tree, outline and secrets.

use crate::formats::outline::{Guard, Symbol, SymbolKind};
use crate::formats::tree::{ConfigTree, TreeNode, value};
use crate::formats::{
    Claim, Confirmation, Document, FileFormat, FilePath, Format, ParseError, ParsedDocument,
    ProgramPaths, Reference, unless_template,
};
use crate::secrets::is_secret_key;
use crate::source::TextRange;

use super::{Directive, Directives, NginxDocument, Word};

/// nginx's configuration.
pub struct NginxFormat;

/// Files nginx packages install in its configuration folder, which a
/// repository holding a node's own files usually leaves out (Debian and
/// Ubuntu's `nginx-common`, the nginx.org packages, Fedora, Alpine).
const PACKAGE_FILES: &[&str] = &[
    "mime.types",
    "fastcgi_params",
    "fastcgi.conf",
    "proxy_params",
    "scgi_params",
    "uwsgi_params",
    "koi-utf",
    "koi-win",
    "win-utf",
    "snippets/fastcgi-php.conf",
    "snippets/snakeoil.conf",
];

/// Folders nginx packages create empty and include with a pattern: an
/// empty one is the normal state of a fresh install (and git keeps no
/// empty folders).
const PACKAGE_GLOBS: &[&str] = &[
    "conf.d/*.conf",
    "modules-enabled/*.conf",
    "sites-enabled/*",
    "sites-enabled/*.conf",
    "default.d/*.conf",
    "http.d/*.conf",
    "stream.d/*.conf",
];

static PATHS: ProgramPaths = ProgramPaths {
    usual_folders: &[
        "/etc/nginx/",
        "/usr/local/nginx/conf/",
        "/usr/local/etc/nginx/",
        "/opt/nginx/conf/",
        "/usr/local/openresty/nginx/conf/",
    ],
    main_files: &["nginx.conf"],
    package_files: PACKAGE_FILES,
    package_globs: PACKAGE_GLOBS,
    include_folders: &["conf.d", "http.d", "sites-enabled"],
    relative_to_prefix: true,
    relative_to_working_dir: false,
};

impl FileFormat for NginxFormat {
    fn name(&self) -> &'static str {
        "nginx"
    }

    fn parse(&self, text: &str, max_depth: Option<usize>) -> Document {
        Document::new(match max_depth {
            Some(depth) => super::parse_with_depth(text, depth),
            None => super::parse(text),
        })
    }

    fn claim(&self, path: &FilePath<'_>) -> Option<Claim> {
        // nginx's own include folders: the sites and `conf.d` files a stock
        // `nginx.conf` includes, read on their own where the node leaves
        // that file out (the official image's `conf.d/default.conf` mount).
        if let [.., program, folder] = path.folders
            && (*program == "nginx" || program.starts_with("nginx-"))
            && ((matches!(*folder, "conf.d" | "http.d") && path.name.ends_with(".conf"))
                || *folder == "sites-enabled")
        {
            return Some(Claim::Folder);
        }
        (path.name == "nginx.conf").then_some(Claim::Name)
    }

    fn checks_content(&self) -> bool {
        true
    }

    fn confirm(&self, head: &[u8]) -> Confirmation {
        unless_template(head)
    }

    fn home(&self, folders: &[&str]) -> Option<usize> {
        (folders.last() == Some(&"conf")).then(|| folders.len() - 1)
    }

    fn program_paths(&self) -> &'static ProgramPaths {
        &PATHS
    }
}

impl ParsedDocument for NginxDocument {
    fn errors(&self) -> &[ParseError] {
        &self.errors
    }

    fn comments(&self) -> &[TextRange] {
        &self.comments
    }

    fn references(&self, text: &str) -> Vec<Reference> {
        self.walk()
            .filter_map(|(_, d)| match (d.name(text), d.args()) {
                ("include", [arg]) => {
                    Some(Reference::include(arg.text(text), arg.range, Format::NGINX))
                }
                // Certificates the server presents; variables are resolved
                // per connection and `data:`/`engine:` values are no paths.
                ("ssl_certificate" | "ssl_certificate_key", [arg])
                    if !arg.text(text).contains('$') && !arg.text(text).contains(':') =>
                {
                    Some(Reference::optional(arg.text(text), arg.range, Format::PEM))
                }
                _ => None,
            })
            .collect()
    }

    fn ranges(&self) -> Vec<TextRange> {
        let mut out = Vec::new();
        for (_, d) in self.walk() {
            out.extend([d.range(), d.name_word().range]);
            out.extend(d.args().iter().flat_map(|a| [a.range, a.inner_range()]));
            if let Some(block) = d.block() {
                out.push(block.open);
                out.extend(block.close);
            }
        }
        out
    }

    fn tree(&self, text: &str) -> ConfigTree {
        ConfigTree {
            entries: tree(self.directives(), text),
            flat: false,
        }
    }

    fn outline(&self, text: &str, guard: &Guard) -> Vec<Symbol> {
        outline_list(self.directives(), text, guard)
    }

    fn secrets(&self, text: &str) -> Vec<TextRange> {
        let mut ranges = Vec::new();
        // A configuration repeats a few dozen directive names.
        let mut known: rustc_hash::FxHashMap<&str, bool> = rustc_hash::FxHashMap::default();
        for (_, d) in self.walk() {
            let name = d.name(text);
            let secret = *known.entry(name).or_insert_with(|| is_secret_key(name));
            if secret {
                ranges.extend(d.args().iter().map(|a| a.range));
            } else if name == "set" {
                // `set $jwt_secret VALUE`
                if let [variable, value, ..] = d.args()
                    && is_secret_key(variable.text(text).trim_start_matches('$'))
                {
                    ranges.push(value.range);
                }
            } else if name.ends_with("_set_header")
                || name.ends_with("_param")
                || name == "add_header"
            {
                // `proxy_set_header Authorization "Basic ..."`
                if let [header, value, ..] = d.args() {
                    let header = header.text(text);
                    if is_secret_key(header)
                        || header.eq_ignore_ascii_case("authorization")
                        || header.to_ascii_lowercase().contains("token")
                    {
                        ranges.push(value.range);
                    }
                }
            }
        }
        ranges
    }
}

fn tree(directives: Directives<'_>, text: &str) -> Vec<TreeNode> {
    directives
        .iter()
        .map(|d| TreeNode {
            name: d.name(text).to_string(),
            name_range: d.name_word().range,
            values: d
                .args()
                .iter()
                .map(|a| value(a.text(text), a.range))
                .collect(),
            children: tree(d.children(), text),
            range: d.range(),
        })
        .collect()
}

fn outline_list(directives: Directives<'_>, text: &str, guard: &Guard) -> Vec<Symbol> {
    directives
        .iter()
        .map(|d| outline_directive(d, text, guard))
        .collect()
}

fn outline_directive(directive: Directive<'_>, text: &str, guard: &Guard) -> Symbol {
    let name = directive.name(text);
    let words = |args: &[Word]| guard.words(args.iter().map(|a| (a.range, a.text(text))));
    if directive.block().is_none() {
        // `ssl_password_file`-like names hold secrets in their arguments.
        let detail = if is_secret_key(name) {
            None
        } else {
            words(directive.args())
        };
        return Symbol::new(
            SymbolKind::Directive,
            name,
            "(empty directive)",
            directive.range(),
            directive.name_word().range,
        )
        .with_detail(detail);
    }
    // A raw Lua block keeps its body as its last argument: code, not a
    // name, so it stays out of the title and has no children.
    let lua = name.ends_with("_by_lua_block");
    let args = if lua {
        let args = directive.args();
        &args[..args.len().saturating_sub(1)]
    } else {
        directive.args()
    };
    let title = match words(args) {
        Some(args) if !is_secret_key(name) => format!("{name} {args}"),
        _ => name.to_string(),
    };
    let children = if lua {
        Vec::new()
    } else {
        outline_list(directive.children(), text, guard)
    };
    Symbol::new(
        SymbolKind::Block,
        &title,
        "(empty directive)",
        directive.range(),
        directive.name_word().range,
    )
    .with_children(children)
}
