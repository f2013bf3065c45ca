//! `tunnel.servlet.hosts.allowed` and the verifier's `hostsAllowed`: what an
//! entry may be and which clients it admits, as the portal's
//! `AccessControlUtil` and `AllowedIPAddressesValidatorFactory` decide.

use std::net::{IpAddr, Ipv6Addr};

use ipnet::IpNet;

use crate::model::liferay::Item;

/// A valid entry.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Entry {
    /// `SERVER_IP`: the node's own addresses.
    ServerIp,
    Address(IpAddr),
    /// `address/prefix`, or `address/netmask` with a contiguous mask.
    Network(IpNet),
    /// `address/netmask` with a mask that is not contiguous, which the
    /// portal still applies bit by bit.
    Masked {
        address: IpAddr,
        mask: IpAddr,
    },
}

/// The portal's default when the property is unset.
pub const DEFAULT: &str = "127.0.0.1,SERVER_IP";

/// IPv4-mapped IPv6 addresses compare as IPv4 (Java's `InetAddress` does so).
fn canonical(ip: IpAddr) -> IpAddr {
    match ip {
        IpAddr::V6(v6) => v6.to_ipv4_mapped().map_or(ip, IpAddr::V4),
        IpAddr::V4(_) => ip,
    }
}

/// Parses one entry, or says why it is not one.
pub fn parse(text: &str) -> Result<Entry, String> {
    if text == "SERVER_IP" {
        return Ok(Entry::ServerIp);
    }
    if text.is_empty() {
        return Err("is empty (a stray comma)".to_string());
    }
    if text.eq_ignore_ascii_case("SERVER_IP") {
        return Err("must be written `SERVER_IP`, in capitals".to_string());
    }
    if text.trim() != text {
        return Err("has blanks around it; the TunnelAuthVerifier splits `hostsAllowed` on commas without trimming, so it never matches".to_string());
    }
    let (address, mask) = match text.split_once('/') {
        Some((a, m)) => (a, Some(m)),
        None => (text, None),
    };
    // `[2001:db8::1]`: the portal's validator and `InetAddress` both take brackets.
    let address = address
        .strip_prefix('[')
        .and_then(|a| a.strip_suffix(']'))
        .filter(|a| a.contains(':'))
        .unwrap_or(address);
    let Ok(address) = address.parse::<IpAddr>() else {
        let looks_like_name =
            address.chars().any(|c| c.is_ascii_alphabetic()) && !address.contains(':');
        return Err(if looks_like_name {
            "is a host name; the portal compares IP addresses only, so a name never matches"
                .to_string()
        } else {
            "is not a valid IPv4 or IPv6 address".to_string()
        });
    };
    let address = canonical(address);
    let Some(mask) = mask else {
        return Ok(Entry::Address(address));
    };
    let bits = if address.is_ipv4() { 32 } else { 128 };
    if !mask.is_empty() && mask.bytes().all(|b| b.is_ascii_digit()) {
        let prefix: u32 = mask.parse().unwrap_or(u32::MAX);
        if prefix > bits {
            return Err(format!("has a prefix length above {bits}"));
        }
        let prefix = u8::try_from(prefix).unwrap_or(u8::MAX);
        return IpNet::new(address, prefix)
            .map(Entry::Network)
            .map_err(|_| format!("has a prefix length above {bits}"));
    }
    match mask.parse::<IpAddr>().map(canonical) {
        Ok(mask) if mask.is_ipv4() == address.is_ipv4() => Ok(IpNet::with_netmask(address, mask)
            .map_or(Entry::Masked { address, mask }, Entry::Network)),
        _ => Err(
            "has a network mask that is neither a prefix length nor an address of the same family"
                .to_string(),
        ),
    }
}

/// The first release whose allow-list matching reads an entry as an
/// address (`AllowedIPAddressesValidatorFactory`, which takes an IPv6
/// address in brackets); earlier ones compare the entry's text with the
/// client address as the application server reports it.
pub const PARSED_SINCE: crate::versions::LiferayVersion =
    crate::versions::LiferayVersion { major: 7, minor: 2 };

/// The IPv6 address of an entry written in brackets (`[2001:db8::50]`).
#[must_use]
pub fn bracketed_ipv6(text: &str) -> Option<Ipv6Addr> {
    text.trim()
        .strip_prefix('[')?
        .strip_suffix(']')?
        .parse()
        .ok()
}

/// An IPv6 address as Java's `Inet6Address.getHostAddress` writes it, which
/// is what `getRemoteAddr` gives: eight groups in lower-case hex without
/// leading zeros, none compressed.
#[must_use]
pub fn java_host_address(ip: Ipv6Addr) -> String {
    ip.segments()
        .iter()
        .map(|s| format!("{s:x}"))
        .collect::<Vec<_>>()
        .join(":")
}

fn octets(ip: IpAddr) -> Vec<u8> {
    match ip {
        IpAddr::V4(v4) => v4.octets().to_vec(),
        IpAddr::V6(v6) => v6.octets().to_vec(),
    }
}

impl Entry {
    /// Whether this entry admits `client` (`SERVER_IP` never admits another
    /// node).
    #[must_use]
    pub fn admits(self, client: IpAddr) -> bool {
        let client = canonical(client);
        match self {
            Self::ServerIp => false,
            Self::Address(address) => address == client,
            Self::Network(net) => net.contains(&client),
            Self::Masked { address, mask } => {
                if address.is_ipv4() != client.is_ipv4() {
                    return false;
                }
                let (a, m, c) = (octets(address), octets(mask), octets(client));
                a.iter().zip(&m).zip(&c).all(|((a, m), c)| a & m == c & m)
            }
        }
    }
}

/// Whether a list admits `client`. An empty list admits everyone.
#[must_use]
pub fn list_admits(items: &[Item], client: IpAddr) -> bool {
    let mut any = false;
    for item in items.iter().filter(|i| !i.text.is_empty()) {
        any = true;
        if item.text == client.to_string() || parse(&item.text).is_ok_and(|e| e.admits(client)) {
            return true;
        }
    }
    !any
}

/// Whether every non-empty entry is valid, so appending to the list is the
/// whole fix (an invalid entry may be the staging server mistyped).
#[must_use]
pub fn entries_are_valid(items: &[Item]) -> bool {
    items
        .iter()
        .filter(|i| !i.text.is_empty())
        .all(|i| parse(&i.text).is_ok())
}

/// The first entry that is an IPv6 address or network (not IPv4-mapped).
#[must_use]
pub fn first_ipv6(items: &[Item]) -> Option<&Item> {
    items.iter().find(|i| match parse(&i.text) {
        Ok(Entry::Address(ip) | Entry::Masked { address: ip, .. }) => ip.is_ipv6(),
        Ok(Entry::Network(net)) => net.addr().is_ipv6(),
        _ => false,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ip(s: &str) -> IpAddr {
        s.parse().unwrap()
    }

    #[test]
    fn entries() {
        assert_eq!(parse("SERVER_IP"), Ok(Entry::ServerIp));
        assert!(parse("server_ip").is_err());
        assert!(
            parse("staging.example.org")
                .unwrap_err()
                .contains("host name")
        );
        assert_eq!(parse("[::1]"), parse("::1"));
        assert!(parse(" 10.0.0.1").is_err());
        assert!(parse("10.0.0.0/33").is_err());
        assert!(parse("10.0.0.0/255.0.0.0").is_ok());
        assert!(parse("10.0.0.0/ffff::").is_err());
        assert!(parse("").is_err());
        assert!(parse("300.1.1.1").is_err());
    }

    #[test]
    fn matching() {
        assert!(parse("10.0.0.0/8").unwrap().admits(ip("10.1.2.3")));
        assert!(
            parse("192.168.1.0/255.255.255.0")
                .unwrap()
                .admits(ip("192.168.1.9"))
        );
        assert!(!parse("10.0.0.0/8").unwrap().admits(ip("11.0.0.1")));
        assert!(parse("::1").unwrap().admits(ip("0:0:0:0:0:0:0:1")));
        assert!(!parse("127.0.0.1").unwrap().admits(ip("::1")));
        assert!(parse("::ffff:192.0.2.5").unwrap().admits(ip("192.0.2.5")));
        assert!(parse("2001:db8::/32").unwrap().admits(ip("2001:db8::50")));
    }

    #[test]
    fn brackets() {
        let v6 = bracketed_ipv6("[2001:db8::50]").unwrap();
        assert_eq!(java_host_address(v6), "2001:db8:0:0:0:0:0:50");
        assert_eq!(bracketed_ipv6("2001:db8::50"), None);
        assert_eq!(bracketed_ipv6("[10.0.0.1]"), None);
        assert_eq!(bracketed_ipv6("[2001:db8::]/64"), None);
    }
}
