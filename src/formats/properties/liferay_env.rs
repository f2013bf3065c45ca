//! The names of the environment variables that override portal
//! properties (`LIFERAY_TUNNELING_PERIOD_SERVLET_...`), decoded as the
//! portal decodes them.

/// Decodes a `LIFERAY_*` environment variable name into the portal property
/// it overrides, as the portal's `EnvPropertiesUtil` does: the rest of the
/// name is lower-cased; each `_TOKEN_` is a character named in Liferay's
/// `CharPool` (`_PERIOD_` is `.`, `_UPPERCASEP_` is `P`) or a decimal code
/// point (`_46_`), compared without case; an unknown `_token_` is kept as
/// written, both its underscores with it. `None` for other variables and
/// for `include-and-override`, which the portal skips.
#[must_use]
pub fn env_to_property(name: &str) -> Option<String> {
    let rest = name.strip_prefix("LIFERAY_")?.to_ascii_lowercase();
    let mut out = String::with_capacity(rest.len());
    let mut i = 0;
    while i < rest.len() {
        let Some(open) = rest[i..].find('_').map(|o| i + o) else {
            out.push_str(&rest[i..]);
            break;
        };
        out.push_str(&rest[i..open]);
        let Some(close) = rest[open + 1..].find('_').map(|c| open + 1 + c) else {
            // A `_` without its pair stays.
            out.push_str(&rest[open..]);
            break;
        };
        let token = &rest[open + 1..close];
        match env_token(token) {
            Some(c) => out.push(c),
            None => out.push_str(&rest[open..=close]),
        }
        i = close + 1;
    }
    (out != "include-and-override").then_some(out)
}

/// A `CharPool` character by its name without underscores (upper-cased
/// by the caller or not), or a decimal code point.
fn env_token(token: &str) -> Option<char> {
    let token = token.to_ascii_uppercase();
    let single = |prefix: &str| {
        token
            .strip_prefix(prefix)
            .filter(|rest| rest.len() == 1)
            .and_then(|rest| rest.chars().next())
    };
    if let Some(c) = single("UPPERCASE").filter(char::is_ascii_alphabetic) {
        return Some(c);
    }
    if let Some(c) = single("LOWERCASE").filter(char::is_ascii_alphabetic) {
        return Some(c.to_ascii_lowercase());
    }
    if let Some(c) = single("NUMBER").filter(char::is_ascii_digit) {
        return Some(c);
    }
    Some(match token.as_str() {
        "AMPERSAND" => '&',
        "APOSTROPHE" => '\'',
        "ARABICDECIMALSEPARATOR" => '\u{066b}',
        "AT" => '@',
        "BACKSLASH" => '\\',
        "CARET" => '^',
        "CLOSEBRACKET" => ']',
        "CLOSECURLYBRACE" => '}',
        "CLOSEPARENTHESIS" => ')',
        "COLON" => ':',
        "COMMA" => ',',
        "DASH" | "MINUS" => '-',
        "DELETE" => '\u{7f}',
        "DOLLAR" => '$',
        "EQUAL" => '=',
        "EXCLAMATION" => '!',
        "FIGURESPACE" => '\u{2007}',
        "FORWARDSLASH" | "SLASH" => '/',
        "GREATERTHAN" => '>',
        "LESSTHAN" => '<',
        "NARROWNOBREAKSPACE" => '\u{202f}',
        "NEWLINE" => '\n',
        "NOBREAKSPACE" => '\u{a0}',
        "OPENBRACKET" => '[',
        "OPENCURLYBRACE" => '{',
        "OPENPARENTHESIS" => '(',
        "PERCENT" => '%',
        "PERIOD" => '.',
        "PIPE" => '|',
        "PLUS" => '+',
        "POUND" => '#',
        "PRIME" => '`',
        "QUESTION" => '?',
        "QUOTE" => '"',
        "RAQUO" => '\u{bb}',
        "RETURN" => '\r',
        "SEMICOLON" => ';',
        "SPACE" => ' ',
        "STAR" => '*',
        "TAB" => '\t',
        "TILDE" => '~',
        "UNDERLINE" => '_',
        _ => {
            // `GetterUtil.get(encoded, -1)`: digits only.
            if token.is_empty() || !token.bytes().all(|b| b.is_ascii_digit()) {
                return None;
            }
            let code: u32 = token.parse().ok()?;
            return char::from_u32(code);
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn environment_names() {
        assert_eq!(
            env_to_property("LIFERAY_TUNNELING_PERIOD_SERVLET_PERIOD_SHARED_PERIOD_SECRET")
                .as_deref(),
            Some("tunneling.servlet.shared.secret")
        );
        assert_eq!(
            env_to_property("LIFERAY_JSP_PERIOD_ENGINE_PERIOD_ENABLE_UPPERCASEP_OOLING").as_deref(),
            Some("jsp.engine.enablePooling")
        );
        assert_eq!(env_to_property("JAVA_HOME"), None);
        // The portal's own test vectors (EnvPropertiesUtilTest) and worked
        // examples: unknown tokens are kept with both underscores.
        let decode = |s: &str| env_to_property(&format!("LIFERAY_{s}")).unwrap();
        assert_eq!(decode("abcDEF"), "abcdef");
        assert_eq!(
            decode(
                "abc_COLON_D_COMMA__CARET_E_OPENBRACKET_F_CLOSEBRACKET__LOWERCASEG__UNDERLINE__UPPERCASEH_"
            ),
            "abc:d,^e[f]g_H"
        );
        assert_eq!(decode("abc_58_D_44__94_E_91_F_93_"), "abc:d,^e[f]");
        assert_eq!(decode("A_B_PERIOD_C"), "a_b_period_c");
        assert_eq!(decode("FOO__PERIOD_BAR"), "foo__period_bar");
        assert_eq!(decode("X_46_Y"), "x.y");
        assert_eq!(decode("JVM_OPTS"), "jvm_opts");
        assert_eq!(
            decode("HIBERNATE_PERIOD_JDBC_PERIOD_BATCH_UNDERLINE_SIZE"),
            "hibernate.jdbc.batch_size"
        );
        assert_eq!(decode("a_period_b"), "a.b");
        assert_eq!(
            env_to_property("LIFERAY_INCLUDE_MINUS_AND_MINUS_OVERRIDE"),
            None
        );
    }
}
