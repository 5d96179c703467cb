//! Binary strings: `bit(n)` and `bit varying(n)` (`bit_in`), `bytea` (`byteain`).

use super::{Verdict, no};
use Verdict::Fits;

/// A `bit(n)` (`exact`) or `bit varying(n)` value as `bit_in` reads it: binary digits, after an
/// optional `B`, or hexadecimal ones after an `X` (four bits each); exactly `n` bits, or at most.
pub(super) fn bits(s: &str, n: Option<u32>, exact: bool) -> Verdict {
    let (digits, width, valid): (&str, usize, fn(char) -> bool) = match s.chars().next() {
        Some('x' | 'X') => (&s[1..], 4, |c| c.is_ascii_hexdigit()),
        Some('b' | 'B') => (&s[1..], 1, |c| c == '0' || c == '1'),
        _ => (s, 1, |c| c == '0' || c == '1'),
    };
    if let Some(c) = digits.chars().find(|&c| !valid(c)) {
        return no(format!("`{c}` is not a {} digit", if width == 4 { "hexadecimal" } else { "binary" }));
    }
    let length = digits.len() * width;
    match n {
        Some(n) if exact && length != n as usize => no(format!("has {length} bits, and the type {n}")),
        Some(n) if length > n as usize => no(format!("has {length} bits, more than the type's {n}")),
        _ => Fits,
    }
}

/// A `bytea` as `byteain` reads it: `\x` then pairs of hexadecimal digits (white space between
/// pairs), or the escape format, where a backslash starts `\\` or three octal digits `\000`-`\377`.
pub(super) fn bytea(s: &str) -> Verdict {
    let b = s.as_bytes();
    if let Some(hex) = s.strip_prefix("\\x") {
        // White space is skipped only between pairs: inside one it is a bad digit.
        let mut rest = hex.bytes();
        while let Some(c) = rest.next() {
            if b" \n\t\r".contains(&c) {
                continue;
            }
            match rest.next() {
                None => return no("has an odd number of hexadecimal digits after \\x"),
                Some(d) if c.is_ascii_hexdigit() && d.is_ascii_hexdigit() => {}
                Some(_) => return no("has a character after \\x that is not a hexadecimal digit"),
            }
        }
        return Fits;
    }
    let mut i = 0;
    while i < b.len() {
        if b[i] == b'\\' {
            let octal = b.len() >= i + 4
                && (b'0'..=b'3').contains(&b[i + 1])
                && (b'0'..=b'7').contains(&b[i + 2])
                && (b'0'..=b'7').contains(&b[i + 3]);
            if octal {
                i += 4;
            } else if b.get(i + 1) == Some(&b'\\') {
                i += 2;
            } else {
                return no("has a backslash that starts neither \\\\ nor an octal escape \\000-\\377");
            }
        } else {
            i += 1;
        }
    }
    Fits
}
