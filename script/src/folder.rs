//! The migration folder: `migrations/NNNN_name/{up.sql,down.sql,model.json}`. The compiler writes
//! it, and the runner, `embed_migrations!` and the CLI read it, all through these definitions.

use sha2::{Digest, Sha256};

/// The folder holding a project's migrations, beside its `schema.sql`.
pub const MIGRATIONS: &str = "migrations";
/// A migration's forward script.
pub const UP: &str = "up.sql";
/// A migration's undo script.
pub const DOWN: &str = "down.sql";
/// The model after a migration, with the sha256 of its scripts.
pub const MODEL: &str = "model.json";

/// The path of `file` of migration `dir`, from the project's output folder (`migrations/0002_x/up.sql`).
pub fn path(dir: &str, file: &str) -> String {
    format!("{MIGRATIONS}/{dir}/{file}")
}

/// A migration's folder name: its version, four digits at least, then its name (`0002_add_phone`).
pub fn dir(version: i64, name: &str) -> String {
    format!("{version:04}_{name}")
}

/// The version and name of folder `dir` (`0002_add_phone` → 2, `add_phone`): `None` unless it is
/// a positive number, `_` and a name.
pub fn parse_dir(dir: &str) -> Option<(i64, &str)> {
    let (number, name) = dir.split_once('_')?;
    let version: i64 = number.parse().ok().filter(|&v| v > 0 && number.bytes().all(|b| b.is_ascii_digit()))?;
    (!name.is_empty()).then_some((version, name))
}

/// The migrations that share a version number, as what to say about each number: two branches
/// that each added the next migration, merged. None when every number is used once.
pub fn shared_versions<'a>(dirs: impl IntoIterator<Item = &'a str>) -> Vec<String> {
    let mut numbered: Vec<(i64, &str)> =
        dirs.into_iter().filter_map(|d| parse_dir(d).map(|(version, _)| (version, d))).collect();
    numbered.sort();
    let mut said = Vec::new();
    for group in numbered.chunk_by(|a, b| a.0 == b.0).filter(|g| g.len() > 1) {
        let dirs: Vec<&str> = group.iter().map(|(_, d)| *d).collect();
        said.push(format!(
            "{} migrations are numbered {:04} ({}): two branches each added one; keep the one applied \
             where it is and move the other after it: `strata generate --rebase <the other's folder>`",
            dirs.len(),
            group[0].0,
            dirs.join(", ")
        ));
    }
    said
}

/// Whether `name` may name a migration: lowercase ASCII letters, digits and `_`.
pub fn valid_name(name: &str) -> bool {
    !name.is_empty() && name.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_')
}

/// The sha256 of a script's text, in hex: what `model.json` and the runner's record keep, so an
/// edit after generating or applying is noticed.
pub fn sha256(text: &str) -> String {
    Sha256::digest(text.as_bytes()).iter().map(|b| format!("{b:02x}")).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn folder_names_read_back() {
        assert_eq!(dir(2, "add_phone"), "0002_add_phone");
        assert_eq!(parse_dir(&dir(12345, "x")), Some((12345, "x")));
        assert_eq!(parse_dir("0002_add_phone"), Some((2, "add_phone")));
        for bad in ["0000_zero", "0002_", "add_phone", "+2_x", "-2_x", "2a_x", ""] {
            assert_eq!(parse_dir(bad), None, "{bad}");
        }
        assert!(valid_name("add_phone_2") && !valid_name("Add") && !valid_name("") && !valid_name("a-b"));
    }

    #[test]
    fn shared_numbers_are_found() {
        assert!(shared_versions(["0001_init", "0002_a", "0003_b"]).is_empty());
        let said = shared_versions(["0002_add_phone", "0001_init", "0002_add_gift"]);
        assert_eq!(said.len(), 1);
        assert!(said[0].starts_with("2 migrations are numbered 0002 (0002_add_gift, 0002_add_phone)"), "{}", said[0]);
    }
}
