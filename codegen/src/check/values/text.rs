//! Text-shaped types: boolean words, lengths of varchar and char, uuid, JSON, XML content and
//! tsvector lexemes, as their input functions read them.

use super::{Verdict, no, trim_space};
use Verdict::{Fits, Unknown};

pub(super) fn boolean(s: &str) -> Verdict {
    let t = trim_space(s).to_ascii_lowercase();
    let prefix_of = |word: &str, min: usize| t.len() >= min && word.starts_with(t.as_str());
    let ok = prefix_of("true", 1)
        || prefix_of("false", 1)
        || prefix_of("yes", 1)
        || prefix_of("no", 1)
        || t == "on"
        || prefix_of("off", 2)
        || t == "1"
        || t == "0";
    if ok { Fits } else { no("is not a boolean (true, false, yes, no, on, off, 1, 0)") }
}

/// varchar(n) / char(n): longer text is an error, unless (for quoted text) only spaces are cut.
pub(super) fn length(s: &str, limit: Option<u32>, spaces_cut: bool) -> Verdict {
    let Some(n) = limit else { return Fits };
    let chars = s.chars().count();
    if chars <= n as usize {
        return Fits;
    }
    if spaces_cut && s.chars().skip(n as usize).all(|c| c == ' ') {
        return Fits;
    }
    no(format!("is {chars} characters long, more than {n}"))
}

/// PostgreSQL's uuid_in: 32 hex digits, a hyphen allowed after any group of four, braces optional.
pub(super) fn uuid(s: &str) -> Verdict {
    let (inner, braced) = match s.strip_prefix('{') {
        Some(rest) => (rest.strip_suffix('}'), true),
        None => (Some(s), false),
    };
    let bad = || no("is not a uuid (32 hex digits, e.g. 'a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11')");
    let Some(inner) = inner.filter(|_| braced || !s.ends_with('}')) else { return bad() };
    let bytes = inner.as_bytes();
    let (mut i, mut digits) = (0, 0);
    while digits < 32 {
        if i + 2 > bytes.len() {
            return bad();
        }
        if !bytes[i].is_ascii_hexdigit() || !bytes[i + 1].is_ascii_hexdigit() {
            return bad();
        }
        i += 2;
        digits += 2;
        if i < bytes.len() && bytes[i] == b'-' && digits % 4 == 0 && digits < 32 {
            i += 1;
        }
    }
    if i == bytes.len() { Fits } else { bad() }
}

pub(super) fn json(s: &str) -> Verdict {
    if s.contains("\\u") {
        return Unknown;
    }
    match serde_json::from_str::<serde_json::Value>(s) {
        Ok(_) => Fits,
        Err(e) if e.to_string().contains("out of range") || e.to_string().contains("recursion") => Unknown,
        Err(e) => no(format!("is not JSON ({e})")),
    }
}

/// `xml` text as `xml_in` reads content (PostgreSQL's default `xmloption`): character data, with
/// `&` only starting one of XML's five entities or a character reference. Markup is left to
/// PostgreSQL (libxml2 parses it).
pub(super) fn xml(s: &str) -> Verdict {
    if let Some(c) = s.chars().find(|&c| c < ' ' && !matches!(c, '\t' | '\n' | '\r')) {
        return no(format!("holds the character U+{:04X}, which XML does not allow", c as u32));
    }
    if s.contains('<') {
        return Unknown;
    }
    if s.contains("]]>") {
        return no("holds `]]>`, which XML content may not");
    }
    let mut rest = s;
    while let Some(i) = rest.find('&') {
        rest = &rest[i + 1..];
        let Some(end) = rest.find(';') else { return no("has an `&` that starts no entity (write &amp;)") };
        let name = &rest[..end];
        let reference = match name.strip_prefix("#x") {
            Some(hex) => u32::from_str_radix(hex, 16).ok(),
            None => name.strip_prefix('#').and_then(|d| d.parse::<u32>().ok()),
        };
        // A character reference must name a character XML allows.
        let allowed = |c: u32| matches!(c, 9 | 10 | 13 | 0x20..=0xD7FF | 0xE000..=0xFFFD | 0x1_0000..=0x10_FFFF);
        match reference {
            Some(c) if !allowed(c) => return no(format!("has `&{name};`, a character XML does not allow")),
            Some(_) => {}
            None if ["amp", "lt", "gt", "quot", "apos"].contains(&name) => {}
            None if name.is_empty() || name.bytes().all(|b| b.is_ascii_alphanumeric()) => {
                return no(format!("has `&{name};`, which is no entity XML defines"));
            }
            None => return Unknown,
        }
        rest = &rest[end + 1..];
    }
    Fits
}

/// `tsvector` text as `tsvectorin` reads it: lexemes apart by white space. Quoted lexemes,
/// escapes and positions (`a:1A`) are left to PostgreSQL.
pub(super) fn tsvector(s: &str) -> Verdict {
    let plain = !s.contains(['\'', '\\', ':']) && s.split_ascii_whitespace().all(|w| w.len() < 2048);
    if plain && s.len() < 1 << 20 { Fits } else { Unknown }
}
