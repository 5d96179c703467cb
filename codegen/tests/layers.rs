//! The compiler's layering, as a test (after rust-analyzer's tidy tests): a module of
//! `codegen/src` may name (`crate::...`) only modules on its own floor or below, and no modules
//! name each other in a circle. ARCHITECTURE.md states the floors; this keeps them from eroding.
//! `cargo test -p strata-codegen --test layers -- --nocapture` prints the graph.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

/// The floors, lowest first: the SQL and Rust languages and the diagnostics under the model;
/// the sources, checks and plan over it; the differ and verify; the targets; the migration chain
/// and project files; the entry points.
const FLOORS: &[&[&str]] = &[
    &["stack", "diagnostics", "sql", "rust_names"],
    &["model"],
    &["source", "check", "plan"],
    &["diff", "verify"],
    &["render"],
    &["migrations", "lint", "project"],
    &["generate", "io", "builder", "macros", "lib"],
];

/// Imports that climb a floor today, each to be removed by the work it names; the test fails
/// when one is gone and still listed, so this list only shrinks.
const KNOWN: &[(&str, &str, &str)] = &[(
    "diff",
    "render",
    "the differ compares steps by the SQL they render (step_sql, undo_sql, drop_sql, Constraint); \
     issue 28, one comparison engine",
)];

fn floor(module: &str) -> usize {
    FLOORS
        .iter()
        .position(|f| f.contains(&module))
        .unwrap_or_else(|| panic!("module `{module}` has no floor in FLOORS"))
}

/// The top-level modules a file names with `crate::a::...` or `crate::{a::..., b}`, outside its
/// unit tests.
fn named(text: &str) -> BTreeSet<String> {
    let text = text.split("#[cfg(test)]\nmod tests").next().unwrap_or(text);
    let mut out = BTreeSet::new();
    let mut rest = text;
    while let Some(at) = rest.find("crate::") {
        rest = &rest[at + "crate::".len()..];
        if let Some(group) = rest.strip_prefix('{') {
            // Top-level items of the braced list: the first word after `{` or a `,` at depth 0.
            let (mut depth, mut start) = (0usize, true);
            for (i, c) in group.char_indices() {
                match c {
                    '{' => depth += 1,
                    '}' if depth == 0 => {
                        rest = &group[i..];
                        break;
                    }
                    '}' => depth -= 1,
                    ',' if depth == 0 => start = true,
                    c if start && (c.is_alphanumeric() || c == '_') => {
                        let word: String =
                            group[i..].chars().take_while(|c| c.is_alphanumeric() || *c == '_').collect();
                        out.insert(word);
                        start = false;
                    }
                    _ => {}
                }
            }
        } else {
            let word: String = rest.chars().take_while(|c| c.is_alphanumeric() || *c == '_').collect();
            out.insert(word);
        }
    }
    out
}

/// Every top-level module and the top-level modules it names.
fn graph() -> BTreeMap<String, BTreeSet<String>> {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut graph: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    let mut stack = vec![src.clone()];
    while let Some(dir) = stack.pop() {
        for entry in std::fs::read_dir(&dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                stack.push(path);
                continue;
            }
            if path.extension().is_none_or(|e| e != "rs") {
                continue;
            }
            let relative = path.strip_prefix(&src).unwrap();
            let first = relative.components().next().unwrap().as_os_str().to_string_lossy();
            let module = first.trim_end_matches(".rs").to_string();
            let text = std::fs::read_to_string(&path).unwrap();
            let names = graph.entry(module.clone()).or_default();
            // Items of lib.rs itself (`crate::compile_toml_str`) are the entry points' floor.
            let lib: BTreeSet<&str> = FLOORS.iter().flat_map(|f| f.iter().copied()).collect();
            for name in named(&text) {
                let name = if lib.contains(name.as_str()) { name } else { "lib".to_string() };
                if name != module {
                    names.insert(name);
                }
            }
        }
    }
    graph
}

#[test]
fn no_module_names_one_on_a_higher_floor() {
    let graph = graph();
    let mut climbs = Vec::new();
    for (from, names) in &graph {
        for to in names {
            println!("{from} -> {to}");
            if floor(to) > floor(from) {
                climbs.push((from.as_str(), to.as_str()));
            }
        }
    }
    let unknown: Vec<_> = climbs.iter().filter(|(f, t)| !KNOWN.iter().any(|(kf, kt, _)| kf == f && kt == t)).collect();
    assert!(
        unknown.is_empty(),
        "these modules name a module on a higher floor (ARCHITECTURE.md, \"Layers\"): {unknown:?}; \
         move what they use down, or the code up"
    );
    let gone: Vec<_> = KNOWN.iter().filter(|(kf, kt, _)| !climbs.contains(&(*kf, *kt))).collect();
    assert!(gone.is_empty(), "no longer climbing, remove from KNOWN: {gone:?}");
}

#[test]
fn no_circle_between_modules() {
    let graph = graph();
    // Tarjan's would do; the graph is a dozen modules, so ask, for each edge, whether its target
    // reaches back, leaving out the known climbs.
    let known = |f: &str, t: &str| KNOWN.iter().any(|(kf, kt, _)| *kf == f && *kt == t);
    let reaches = |from: &str, to: &str| {
        let (mut seen, mut todo) = (BTreeSet::new(), vec![from.to_string()]);
        while let Some(m) = todo.pop() {
            if m == to {
                return true;
            }
            if seen.insert(m.clone()) {
                for n in graph.get(&m).into_iter().flatten() {
                    if !known(&m, n) {
                        todo.push(n.clone());
                    }
                }
            }
        }
        false
    };
    let circles: Vec<_> = graph
        .iter()
        .flat_map(|(f, ns)| ns.iter().map(move |t| (f.clone(), t.clone())))
        .filter(|(f, t)| !known(f, t) && reaches(t, f))
        .collect();
    assert!(circles.is_empty(), "modules that name each other in a circle: {circles:?}");
}

#[test]
fn the_reader_finds_braced_imports() {
    let text = "use crate::{model::{A, B}, sql::ident};\nfn f() { crate::plan::create(); }\n\
                #[cfg(test)]\nmod tests { use crate::render; }";
    let found: Vec<String> = named(text).into_iter().collect();
    assert_eq!(found, ["model", "plan", "sql"]);
}
