//! Random mutations of the real schema files never panic: every run ends in either a valid
//! schema (which then generates) or diagnostics that render.

use std::path::Path;

use proptest::prelude::*;
use strata_codegen::{compile_toml_str, generate};

/// Every (path, text) of every system under schema/.
fn seed_files() -> Vec<Vec<(String, String)>> {
    strata_codegen::io::schema_folders(Path::new("schema"))
        .unwrap()
        .into_iter()
        .map(|dir| {
            let mut files: Vec<_> = std::fs::read_dir(&dir)
                .unwrap()
                .map(|e| e.unwrap().path())
                .filter(|p| p.extension().is_some_and(|x| x == "toml"))
                .map(|p| (p.display().to_string(), std::fs::read_to_string(&p).unwrap()))
                .collect();
            files.sort();
            files
        })
        .collect()
}

#[derive(Debug, Clone)]
enum Mutation {
    /// Remove `len` characters at a position.
    Drop { at: usize, len: usize },
    /// Change one character of the n-th key (the word before ` = `).
    RenameKey { nth: usize, to: char },
    /// Exchange the n-th and m-th values (what follows ` = ` up to the line end).
    SwapValues { a: usize, b: usize },
    /// Replace the n-th value by a value of another kind.
    Retype { nth: usize, with: &'static str },
}

fn mutation() -> impl Strategy<Value = Mutation> {
    prop_oneof![
        (any::<usize>(), 1usize..12).prop_map(|(at, len)| Mutation::Drop { at, len }),
        (any::<usize>(), proptest::char::range('a', 'z')).prop_map(|(nth, to)| Mutation::RenameKey { nth, to }),
        (any::<usize>(), any::<usize>()).prop_map(|(a, b)| Mutation::SwapValues { a, b }),
        (any::<usize>(), prop::sample::select(vec!["true", "42", "-1", "\"\"", "[]", "{}", "\"x(\"", "1.5e300"]))
            .prop_map(|(nth, with)| Mutation::Retype { nth, with }),
    ]
}

fn apply(text: &str, m: &Mutation) -> String {
    let chars: Vec<char> = text.chars().collect();
    let assignments: Vec<(usize, usize, usize)> = text
        .lines()
        .scan(0, |offset, line| {
            let start = *offset;
            *offset += line.len() + 1;
            Some((start, line))
        })
        .filter_map(|(start, line)| line.find(" = ").map(|eq| (start, start + eq, start + line.len())))
        .collect();
    let pick = |n: usize| assignments.get(n % assignments.len().max(1)).copied();
    match *m {
        Mutation::Drop { at, len } => {
            let at = at % chars.len().max(1);
            chars[..at].iter().chain(chars[(at + len).min(chars.len())..].iter()).collect()
        }
        Mutation::RenameKey { nth, to } => match pick(nth) {
            Some((start, eq, _)) if eq > start => {
                let mut out = text.to_string();
                let at = (start..eq).rev().find(|&i| out.is_char_boundary(i) && out.is_char_boundary(i + 1));
                if let Some(i) = at {
                    out.replace_range(i..i + 1, &to.to_string());
                }
                out
            }
            _ => text.to_string(),
        },
        Mutation::SwapValues { a, b } => match (pick(a), pick(b)) {
            (Some((_, ea, la)), Some((_, eb, lb))) if ea != eb => {
                let (first, second) = if ea < eb { ((ea, la), (eb, lb)) } else { ((eb, lb), (ea, la)) };
                let v1 = &text[first.0 + 3..first.1];
                let v2 = &text[second.0 + 3..second.1];
                format!("{}{v2}{}{v1}{}", &text[..first.0 + 3], &text[first.1..second.0 + 3], &text[second.1..])
            }
            _ => text.to_string(),
        },
        Mutation::Retype { nth, with } => match pick(nth) {
            Some((_, eq, end)) => format!("{}{with}{}", &text[..eq + 3], &text[end..]),
            None => text.to_string(),
        },
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 400, failure_persistence: None, ..ProptestConfig::default() })]

    #[test]
    fn mutated_seed_schemas_never_panic(system in any::<usize>(), file in any::<usize>(), mutations in prop::collection::vec(mutation(), 1..4)) {
        let systems = seed_files();
        let mut files = systems[system % systems.len()].clone();
        let target = file % files.len();
        for m in &mutations {
            files[target].1 = apply(&files[target].1, m);
        }
        let compiled = compile_toml_str(files.iter().map(|(p, t)| (p.as_str(), t.as_str())));
        match &compiled.schema {
            Some(schema) => {
                prop_assert!(!compiled.diagnostics.has_errors());
                let files = generate::files(schema);
                prop_assert!(files.iter().any(|(p, _)| p == "schema.sql") && files.len() == 5 + usize::from(!schema.jobs.is_empty()));
            }
            None => {
                prop_assert!(compiled.diagnostics.has_errors());
                prop_assert!(compiled.diagnostics.render(&compiled.sources).contains("error["));
            }
        }
    }
}
