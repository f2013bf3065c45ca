//! `file:` URIs to paths and back (RFC 8089): the path is percent-decoded
//! bytes; other schemes name no file. Windows paths are written the way
//! editors write them: `file:///C:/dir/f` (VS Code sends `file:///c%3A/dir/f`,
//! which names the same file) and `file://server/share/f` for a UNC path.
//! The mapping is pure string work, so both styles are tested on any host.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::str::FromStr;

use lsp_types::Uri;

/// The local path a `file:` URI names.
#[must_use]
pub fn to_path(uri: &Uri) -> Option<PathBuf> {
    path_text(uri.as_str(), cfg!(windows)).map(PathBuf::from)
}

/// The `file:` URI of an absolute path.
#[must_use]
pub fn from_path(path: &Path) -> Option<Uri> {
    uri_text(path.to_str()?, cfg!(windows)).and_then(|u| Uri::from_str(&u).ok())
}

/// The path a `file:` URI names, as text, on Windows or elsewhere.
fn path_text(uri: &str, windows: bool) -> Option<String> {
    let rest = uri
        .strip_prefix("file://")
        .or_else(|| uri.strip_prefix("FILE://"))?;
    let rest = rest.split(['?', '#']).next().unwrap_or(rest);
    // `file://localhost/p` and `file:///p` name the same file.
    let rest = rest.strip_prefix("localhost").unwrap_or(rest);
    let (host, path) = match rest.find('/') {
        Some(at) => (&rest[..at], &rest[at..]),
        None => (rest, ""),
    };
    let path = String::from_utf8(percent_decode(path)?).ok()?;
    if !windows {
        return (host.is_empty() && path.starts_with('/')).then_some(path);
    }
    let backslashed = path.replace('/', "\\");
    if !host.is_empty() {
        // A UNC path: `\\server\share\...`.
        return Some(format!("\\\\{host}{backslashed}"));
    }
    // `/C:/dir` is `C:\dir`; the drive letter as written.
    let bytes = path.as_bytes();
    if bytes.len() >= 3 && bytes[0] == b'/' && bytes[1].is_ascii_alphabetic() && bytes[2] == b':' {
        let rest = &backslashed[3..];
        let rest = if rest.is_empty() { "\\" } else { rest };
        return Some(format!("{}:{rest}", char::from(bytes[1])));
    }
    None
}

/// The `file:` URI of an absolute path written as text.
fn uri_text(path: &str, windows: bool) -> Option<String> {
    let (prefix, path) = if windows {
        if let Some(unc) = path.strip_prefix("\\\\") {
            let (host, rest) = unc.split_once('\\')?;
            (format!("file://{host}/"), rest.replace('\\', "/"))
        } else {
            let bytes = path.as_bytes();
            if bytes.len() < 2 || !bytes[0].is_ascii_alphabetic() || bytes[1] != b':' {
                return None;
            }
            (
                format!("file:///{}:", char::from(bytes[0])),
                path[2..].replace('\\', "/"),
            )
        }
    } else {
        if !path.starts_with('/') {
            return None;
        }
        ("file://".to_string(), path.to_string())
    };
    let mut uri = prefix;
    for byte in path.bytes() {
        if byte.is_ascii_alphanumeric() || b"/-._~!$&'()*+,;=:@".contains(&byte) {
            uri.push(char::from(byte));
        } else {
            let _ = write!(uri, "%{byte:02X}");
        }
    }
    Some(uri)
}

fn percent_decode(text: &str) -> Option<Vec<u8>> {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' {
            let hex = text.get(i + 1..i + 3)?;
            out.push(u8::from_str_radix(hex, 16).ok()?);
            i += 3;
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_survive_a_round_trip() {
        for path in ["/a/b c/portal-ext.properties", "/x/é%#?.conf", "/r/[1]/a+b"] {
            let uri = from_path(Path::new(path)).unwrap();
            assert_eq!(
                to_path(&uri).unwrap(),
                PathBuf::from(path),
                "{}",
                uri.as_str()
            );
        }
    }

    #[test]
    fn other_schemes_and_hosts_name_no_file() {
        let uri = |s: &str| Uri::from_str(s).unwrap();
        assert_eq!(to_path(&uri("file:///a/b")).unwrap(), PathBuf::from("/a/b"));
        assert_eq!(
            to_path(&uri("file://localhost/a")).unwrap(),
            PathBuf::from("/a")
        );
        assert!(to_path(&uri("untitled:Untitled-1")).is_none());
        assert!(to_path(&uri("file://server/share/a")).is_none());
    }

    #[test]
    fn windows_uris_map_to_drive_and_unc_paths() {
        let path = |u: &str| path_text(u, true);
        assert_eq!(
            path("file:///c%3A/Users/Op/app1/portal-ext.properties").as_deref(),
            Some("c:\\Users\\Op\\app1\\portal-ext.properties")
        );
        assert_eq!(
            path("file:///C:/Clusters/a%20b/nginx.conf").as_deref(),
            Some("C:\\Clusters\\a b\\nginx.conf")
        );
        assert_eq!(path("file:///C:").as_deref(), Some("C:\\"));
        assert_eq!(
            path("file://server/share/lb/nginx.conf").as_deref(),
            Some("\\\\server\\share\\lb\\nginx.conf")
        );
        assert_eq!(path("file:///no-drive/a"), None);
        // And back: a URI the editor would recognise, round-tripping.
        for windows_path in [
            "C:\\Clusters\\a b\\nginx.conf",
            "\\\\server\\share\\lb\\é.conf",
        ] {
            let uri = uri_text(windows_path, true).unwrap();
            assert!(Uri::from_str(&uri).is_ok(), "{uri}");
            assert_eq!(path(&uri).as_deref(), Some(windows_path), "{uri}");
        }
        assert_eq!(uri_text("C:\\a b\\c", true).unwrap(), "file:///C:/a%20b/c");
        assert_eq!(uri_text("relative\\x", true), None);
        // On other systems the same URIs name no file or a plain path.
        assert_eq!(path_text("file://server/share/a", false), None);
        assert_eq!(path_text("file:///c%3A/x", false).as_deref(), Some("/c:/x"));
    }
}
