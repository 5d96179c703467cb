//! README.md cannot drift: every block marked `<!-- readme-test: PATH -->` is in PATH word for
//! word (for Cargo.toml, once the `path = "..."` keys that stand in for the registry are removed).
//! The files are tests/readme_app/, a workspace member compiled, linted and run in CI.

#[test]
fn every_marked_readme_block_is_in_its_file() {
    let readme = std::fs::read_to_string("README.md").unwrap();
    let mut checked = 0;
    for (i, _) in readme.match_indices("<!-- readme-test: ") {
        let rest = &readme[i + "<!-- readme-test: ".len()..];
        let path = &rest[..rest.find(" -->").unwrap()];
        let open = rest.find("```").unwrap();
        let body_start = open + rest[open..].find('\n').unwrap() + 1;
        let body = &rest[body_start..body_start + rest[body_start..].find("```").unwrap()];
        let file = std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{path}: {e}"));
        let file = without_paths(&file);
        assert!(file.contains(body), "README.md's block for {path} is not in the file:\n{body}");
        checked += 1;
    }
    assert!(checked >= 4, "only {checked} marked blocks");
}

/// `, path = "../.."` removed from dependency lines.
fn without_paths(text: &str) -> String {
    text.lines()
        .map(|line| match line.find(", path = \"") {
            Some(at) => {
                let end = at + ", path = \"".len() + line[at + ", path = \"".len()..].find('"').unwrap() + 1;
                format!("{}{}", &line[..at], &line[end..])
            }
            None => line.to_string(),
        })
        .collect::<Vec<_>>()
        .join("\n")
        + "\n"
}
