//! Network addresses: `inet` and `cidr` (`network_in`), `macaddr` and `macaddr8`.

use super::{Verdict, no};
use Verdict::{Fits, Unknown};

/// An `inet` or `cidr` value as `network_in` reads it: IPv4's four parts of 0-255 and `/bits` of
/// 0-32, or an IPv6 address and `/bits` of 0-128; a `cidr` has no bit set past its mask. Other
/// spellings (abbreviated IPv4 addresses, leading zeros, white space) are left to PostgreSQL.
pub(super) fn network(s: &str, cidr: bool) -> Verdict {
    let what = if cidr { "cidr" } else { "inet" };
    if s.bytes().any(|b| b.is_ascii_whitespace()) {
        return no(format!("has white space, which an {what} value may not"));
    }
    if s.split_once('/').is_some_and(|(_, bits)| bits.is_empty() || !bits.bytes().all(|b| b.is_ascii_digit())) {
        return no(format!("is not an {what} value: the mask after `/` is a number of bits"));
    }
    if s.contains(':') {
        return ipv6(s, what);
    }
    // Digits, dots and a slash; hexadecimal letters and `x` for the `0x0a000001` form.
    if s.is_empty() || !s.bytes().all(|b| b.is_ascii_hexdigit() || b"./xX".contains(&b)) {
        return no(format!("is not an {what} value"));
    }
    let (address, bits) = match s.split_once('/') {
        Some((address, bits)) => (address, Some(bits)),
        None => (s, None),
    };
    let parts: Vec<&str> = address.split('.').collect();
    let plain = |p: &str| !p.is_empty() && p.len() <= 3 && p.bytes().all(|b| b.is_ascii_digit());
    if !parts.iter().all(|p| plain(p)) {
        return Unknown;
    }
    if parts.len() > 4 || parts.iter().any(|p| p.parse::<u32>().is_ok_and(|o| o > 255)) {
        return no(format!("is not an {what} value: an IPv4 address is four parts of 0 to 255"));
    }
    // Fewer parts (`10/8`) are cidr's abbreviation (10.0.0.0/8), left to PostgreSQL; inet has none.
    if parts.len() != 4 {
        return if cidr || bits.is_some() {
            Unknown
        } else {
            no("is not an inet value: an IPv4 address has four parts")
        };
    }
    if parts.iter().any(|p| p.len() > 1 && p.starts_with('0')) {
        return Unknown;
    }
    let octets: Vec<u32> = parts.iter().map(|p| p.parse().unwrap_or(0)).collect();
    let bits = match bits {
        None => 32,
        Some(b) if b.len() <= 2 && b.bytes().all(|c| c.is_ascii_digit()) && !b.is_empty() => match b.parse::<u32>() {
            Ok(n) if n <= 32 => n,
            _ => return no(format!("is not an {what} value: more than 32 bits")),
        },
        Some(_) => return Unknown,
    };
    let address = octets.iter().fold(0u64, |a, &o| a << 8 | u64::from(o));
    let host = if bits == 32 { 0 } else { (1u64 << (32 - bits)) - 1 };
    if cidr && address & host != 0 {
        return no("is not a cidr value: it has bits set to the right of its mask");
    }
    Fits
}

fn ipv6(s: &str, what: &str) -> Verdict {
    let (address, bits) = match s.split_once('/') {
        Some((address, bits)) => (address, Some(bits)),
        None => (s, None),
    };
    let Ok(address) = address.parse::<std::net::Ipv6Addr>() else {
        if !s.bytes().all(|b| b.is_ascii_hexdigit() || b":./".contains(&b)) {
            return no(format!("is not an {what} value"));
        }
        return Unknown;
    };
    let bits = match bits {
        None => 128,
        Some(b)
            if (b == "0" || !b.starts_with('0'))
                && !b.is_empty()
                && b.len() <= 3
                && b.bytes().all(|c| c.is_ascii_digit()) =>
        {
            match b.parse::<u32>() {
                Ok(n) if n <= 128 => n,
                _ => return no(format!("is not an {what} value: an IPv6 mask is 0 to 128 bits")),
            }
        }
        Some(_) => return Unknown,
    };
    let host = if bits == 0 { u128::MAX } else { (1u128 << (128 - bits)).wrapping_sub(1) };
    if what == "cidr" && u128::from(address) & host != 0 {
        return no("is not a cidr value: it has bits set to the right of its mask");
    }
    Fits
}

/// A `macaddr` as `macaddr_in` reads it: the first of its seven `sscanf` layouts that reads six
/// numbers decides, and each must be a byte. Signs, `0x`, inner white space and very long digit
/// runs (which `%x` reads in ways of its own) are left to PostgreSQL.
pub(super) fn macaddr(s: &str) -> Verdict {
    use Piece::{Hex, Sep};
    let t = super::trim_space(s);
    let separator = |b: u8| b":-.".contains(&b);
    if t.is_empty() || !t.bytes().all(|b| b.is_ascii_hexdigit() || separator(b) || b"xX+ \t\n\r".contains(&b)) {
        return no("is not a MAC address (e.g. '08:00:2b:01:02:03')");
    }
    let b = t.as_bytes();
    // `%x` reads an `x` only in a `0x` prefix.
    if b.iter().enumerate().any(|(i, c)| c.eq_ignore_ascii_case(&b'x') && (i == 0 || b[i - 1] != b'0')) {
        return no("has an `x` that no hexadecimal number holds");
    }
    let plain = b.iter().all(|&c| c.is_ascii_hexdigit() || separator(c))
        && !separator(b[0])
        && !b.windows(2).any(|w| separator(w[0]) && separator(w[1]));
    if !plain {
        return Unknown;
    }
    let (x, h2) = (Hex(None), Hex(Some(2)));
    let layouts: [&[Piece]; 7] = [
        &[x, Sep(b':'), x, Sep(b':'), x, Sep(b':'), x, Sep(b':'), x, Sep(b':'), x],
        &[x, Sep(b'-'), x, Sep(b'-'), x, Sep(b'-'), x, Sep(b'-'), x, Sep(b'-'), x],
        &[h2, h2, h2, Sep(b':'), h2, h2, h2],
        &[h2, h2, h2, Sep(b'-'), h2, h2, h2],
        &[h2, h2, Sep(b'.'), h2, h2, Sep(b'.'), h2, h2],
        &[h2, h2, Sep(b'-'), h2, h2, Sep(b'-'), h2, h2],
        &[h2, h2, h2, h2, h2, h2],
    ];
    for layout in layouts {
        match scan(b, layout) {
            Scan::Read(values) if values.iter().all(|&v| v <= 255) => return Fits,
            Scan::Read(_) => return no("has a part past ff, which is no byte"),
            Scan::Overlong => return Unknown,
            Scan::Mismatch => {}
        }
    }
    no("is not a MAC address in a layout PostgreSQL reads (e.g. '08:00:2b:01:02:03')")
}

/// A piece of a `sscanf` layout: `%x` (at most `width` digits) or a separator.
#[derive(Clone, Copy)]
enum Piece {
    Hex(Option<usize>),
    Sep(u8),
}

enum Scan {
    /// Every piece matched and nothing follows.
    Read(Vec<u64>),
    Mismatch,
    /// A number too long for `%x` to read as strata does.
    Overlong,
}

fn scan(mut b: &[u8], layout: &[Piece]) -> Scan {
    let mut values = Vec::new();
    for piece in layout {
        match *piece {
            Piece::Sep(c) => match b.split_first() {
                Some((&first, rest)) if first == c => b = rest,
                _ => return Scan::Mismatch,
            },
            Piece::Hex(width) => {
                let run = b.iter().take(width.unwrap_or(usize::MAX)).take_while(|c| c.is_ascii_hexdigit()).count();
                if run == 0 {
                    return Scan::Mismatch;
                }
                if run > 8 {
                    return Scan::Overlong;
                }
                let digits = std::str::from_utf8(&b[..run]).unwrap_or("0");
                values.push(u64::from_str_radix(digits, 16).unwrap_or(u64::MAX));
                b = &b[run..];
            }
        }
    }
    if b.is_empty() { Scan::Read(values) } else { Scan::Mismatch }
}

/// A `macaddr8` as `macaddr8_in` reads it: bytes of two hexadecimal digits, optionally split by
/// one separator (`:`, `-` or `.`) used alike throughout, six bytes (made EUI-64) or eight.
pub(super) fn macaddr8(s: &str) -> Verdict {
    let t = super::trim_space(s);
    // One character after the last whole byte is never read: only those before it are judged here.
    let read = &t[..t.len().saturating_sub(1)];
    if t.is_empty() || !read.bytes().all(|b| b.is_ascii_hexdigit() || b":-. \t\n".contains(&b)) {
        return no("is not a MAC address (e.g. '08:00:2b:01:02:03:04:05')");
    }
    if !t.bytes().all(|b| b.is_ascii_hexdigit() || b":-.".contains(&b)) {
        return Unknown;
    }
    let separators: Vec<u8> = t.bytes().filter(|b| !b.is_ascii_hexdigit()).collect();
    if separators.iter().any(u8::is_ascii_whitespace) {
        return Unknown;
    }
    if separators.windows(2).any(|w| w[0] != w[1]) {
        return no("mixes separators; a macaddr8 uses one of `:`, `-` or `.` throughout");
    }
    let pieces: Vec<&str> = match separators.first() {
        Some(&sep) => t.split(sep as char).collect(),
        None => vec![t],
    };
    // A byte is read two digits at a time: an odd piece before the last splits one.
    let (last, inner) = pieces.split_last().expect("split yields a piece");
    if inner.iter().any(|p| p.is_empty() || p.len() % 2 != 0) {
        return no("has a byte that is not two hexadecimal digits");
    }
    if last.is_empty() || last.len() % 2 != 0 {
        return Unknown;
    }
    match pieces.iter().map(|p| p.len() / 2).sum::<usize>() {
        6 | 8 => Fits,
        n => no(format!("has {n} bytes; a macaddr8 has 6 or 8")),
    }
}
