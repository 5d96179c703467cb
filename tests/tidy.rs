//! Rules of the code base that a compiler does not check, read from the source itself (as
//! rust-analyzer's tidy tests do).

use std::path::{Path, PathBuf};

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            rust_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

/// `list.iter().find(|x| x.qname() == q)` and its kin over a schema's tables or types.
fn scan_by_name() -> regex::Regex {
    regex::Regex::new(
    r"\.(tables|enums|domains|composites|ranges)\s*\.iter(_mut)?\(\)\s*\.(find|find_map|position|any)\(\|[^|]*\|[^\n]*(\.qname\(\)|\.is\(|\.name ==|\.namespace ==)",
)
.unwrap()
}

/// A by-name lookup of a table, partition or user type is `Schema::table` and its kin, which
/// hash the names once (`codegen/src/model/lookup.rs`). A scan of the list that compares names,
/// made once per column, foreign key or change, is what made `strata generate` quadratic at
/// 10,000 tables (issue 33): this finds one written again.
#[test]
fn schema_lists_are_not_scanned_by_name() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut files = Vec::new();
    for dir in ["codegen/src", "src", "macros/src"] {
        rust_files(&root.join(dir), &mut files);
    }
    files.sort();
    let scan = scan_by_name();
    let mut found = Vec::new();
    for file in &files {
        if file.ends_with("model/lookup.rs") {
            continue;
        }
        let text = std::fs::read_to_string(file).unwrap();
        for (n, line) in text.lines().enumerate() {
            if scan.is_match(line) {
                found.push(format!("{}:{}: {}", file.strip_prefix(root).unwrap().display(), n + 1, line.trim()));
            }
        }
    }
    assert!(
        found.is_empty(),
        "a schema's list scanned for a name; use Schema::table, partition, enum_, domain, composite or range:\n{}",
        found.join("\n")
    );
}

/// The rule above finds what it is meant to (a check that cannot fail is no check).
#[test]
fn the_scan_rule_finds_a_scan() {
    let scan = scan_by_name();
    assert!(scan.is_match("let t = schema.tables.iter().find(|t| t.qname() == q);"));
    assert!(scan.is_match("old.enums.iter().any(|e| e.namespace == q.namespace && e.name == q.name)"));
    assert!(!scan.is_match("schema.tables.iter().find_map(|t| t.partition.as_ref())"));
}
