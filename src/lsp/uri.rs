//! `file:` URIs to paths and back (RFC 8089): the path is percent-decoded
//! bytes; other schemes name no file.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::str::FromStr;

use lsp_types::Uri;

/// The local path a `file:` URI names.
#[must_use]
pub fn to_path(uri: &Uri) -> Option<PathBuf> {
    let text = uri.as_str();
    let rest = text
        .strip_prefix("file://")
        .or_else(|| text.strip_prefix("FILE://"))?;
    // `file://localhost/p` and `file:///p` name the same file.
    let path = rest.strip_prefix("localhost").unwrap_or(rest);
    if !path.starts_with('/') {
        return None;
    }
    let path = path.split(['?', '#']).next().unwrap_or(path);
    let bytes = percent_decode(path)?;
    let text = String::from_utf8(bytes).ok()?;
    Some(PathBuf::from(text))
}

/// The `file:` URI of an absolute path.
#[must_use]
pub fn from_path(path: &Path) -> Option<Uri> {
    let text = path.to_str()?;
    if !text.starts_with('/') {
        return None;
    }
    let mut uri = String::with_capacity(text.len() + 8);
    uri.push_str("file://");
    for byte in text.bytes() {
        if byte.is_ascii_alphanumeric() || b"/-._~!$&'()*+,;=:@".contains(&byte) {
            uri.push(char::from(byte));
        } else {
            let _ = write!(uri, "%{byte:02X}");
        }
    }
    Uri::from_str(&uri).ok()
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
}
