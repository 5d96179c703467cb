//! The docs target: each system's data dictionary (Markdown with a Mermaid ER diagram), the SVG
//! Graphviz draws, and the static HTML page with a search box, loaded in a real browser
//! (Debian's chromium, headless): searching for a column shows its table and hides the others.

use std::path::Path;
use std::process::Command;

use strata_codegen::io;
use strata_codegen::model::Schema;
use strata_codegen::render::docs;
use strata_codegen::sql::qualified;

fn systems() -> Vec<Schema> {
    let folders = io::schema_folders(Path::new("schema")).unwrap();
    folders.iter().map(|dir| io::compile_folder(dir).unwrap().schema.unwrap()).collect()
}

fn graphviz() -> bool {
    let found = Command::new("dot").arg("-V").output().is_ok_and(|o| o.status.success());
    let required = strata::testing::required("STRATA_REQUIRE_DOCS_TOOLS");
    assert!(found || !required, "Graphviz's dot is required here (STRATA_REQUIRE_DOCS_TOOLS=1) but not installed");
    found
}

#[test]
fn dictionary_and_mermaid_snapshots() {
    for name in ["agentflow", "autosdlc"] {
        let schema = systems().into_iter().find(|s| s.name == name).unwrap();
        let d = docs::dictionary(&schema);
        let parts = docs::parts(&schema);
        let mermaid: Vec<String> =
            parts.iter().map(|p| format!("%% {}\n{}", p.file(), docs::mermaid(&schema, p))).collect();
        insta::assert_snapshot!(format!("{name}_mermaid"), mermaid.join("\n"));
        let picture = docs::Picture {
            name: String::new(),
            file: "er.svg".into(),
            mermaid: "(the mermaid text above)\n".into(),
            svg: String::new(),
        };
        insta::assert_snapshot!(format!("{name}_dictionary"), docs::markdown(&d, &[picture]));
    }
}

#[test]
fn every_table_and_column_is_in_the_docs_and_the_svg() {
    if !graphviz() {
        strata::testing::skipped_test("every_table_and_column_is_in_the_docs_and_the_svg", "Graphviz is not installed");
        return;
    }
    for schema in systems() {
        let files = docs::files(&schema).unwrap();
        assert_eq!(files, docs::files(&schema).unwrap(), "{}: the same bytes every time", schema.name);
        let file = |name: &str| &files.iter().find(|(p, _)| p == name).unwrap().1;
        let svgs: String = files.iter().filter(|(p, _)| p.ends_with(".svg")).map(|(_, svg)| svg.as_str()).collect();
        for t in &schema.tables {
            let q = qualified(&t.namespace, &t.name);
            assert!(svgs.contains(&format!("<title>{q}</title>")), "{}: {q} not drawn", schema.name);
            assert!(file("docs/README.md").contains(&format!("### `{q}`")), "{}: {q} not described", schema.name);
            for c in &t.columns {
                assert!(
                    file("docs/README.md").contains(&format!("| `{}` |", c.name)),
                    "{}: {q}.{}",
                    schema.name,
                    c.name
                );
            }
        }
    }
}

/// Tables that each reference a hub table and two others, as a multi-tenant schema's do: the
/// shape on which one picture of every table took Graphviz 85 s at 100 tables.
fn hub_schema(tables: usize) -> Schema {
    let mut toml = String::from("[schema]\nname = \"hub\"\n");
    for i in 0..tables {
        toml.push_str(&format!(
            "[tables.t{i}.columns]\nid = {{ type = \"uuid\", primary_key = true }}\n\
             tenant_id = {{ type = \"uuid\", nullable = true, references = \"t0.id\" }}\n\
             parent_id = {{ type = \"uuid\", nullable = true, references = \"t{}.id\" }}\n\
             owner_id = {{ type = \"uuid\", nullable = true, references = \"t{}.id\" }}\n",
            i.saturating_sub(1),
            (i * 7) % tables
        ));
    }
    strata_codegen::compile_toml_str([("hub.toml", toml.as_str())]).schema.expect("the hub schema compiles")
}

#[test]
fn a_big_schema_is_drawn_in_pictures_of_bounded_size() {
    let schema = hub_schema(130);
    let parts = docs::parts(&schema);
    assert_eq!(parts.len(), 3, "130 tables in 3 pictures of at most {}", docs::MOST_TABLES);
    assert!(parts.iter().all(|p| p.tables.len() <= docs::MOST_TABLES && p.tables.len() >= 40));
    let mut drawn: Vec<&str> = parts.iter().flat_map(|p| p.tables.iter().map(|t| t.name.as_str())).collect();
    drawn.sort_unstable();
    let mut all: Vec<&str> = schema.tables.iter().map(|t| t.name.as_str()).collect();
    all.sort_unstable();
    assert_eq!(drawn, all, "each table in exactly one picture");
    // A reference to a table of another picture links to that picture.
    let first = docs::dot(&schema, &parts[0]);
    let linked = parts[1..].iter().any(|p| first.contains(&format!("URL=\"{}\"", p.file())));
    let second = docs::dot(&schema, &parts[1]);
    assert!(linked || parts[..1].iter().chain(&parts[2..]).any(|p| second.contains(&format!("URL=\"{}\"", p.file()))));
    assert!(second.contains(&format!("URL=\"{}\"", parts[0].file())), "t0, the hub, is drawn once and linked to");
    if !graphviz() {
        strata::testing::skipped_test("a_big_schema_is_drawn_in_pictures_of_bounded_size", "Graphviz is not installed");
        return;
    }
    let files = docs::files(&schema).unwrap();
    let names: Vec<&str> = files.iter().map(|(p, _)| p.as_str()).collect();
    assert_eq!(
        names,
        ["docs/README.md", "docs/er-public-1.svg", "docs/er-public-2.svg", "docs/er-public-3.svg", "docs/index.html"]
    );
    let readme = &files[0].1;
    for p in &parts {
        assert!(readme.contains(&format!("[{0}]({0})", p.file())), "README links {}", p.file());
    }
    for (part, (_, svg)) in parts.iter().zip(&files[1..4]) {
        for t in &part.tables {
            assert!(svg.contains(&format!("<title>{}</title>", t.name)), "{} drawn in {}", t.name, part.file());
        }
    }
    assert_eq!(files[4].1.matches("<svg").count(), 3, "the page shows every picture");
}

#[test]
fn searching_the_page_in_a_browser_shows_the_table_of_a_column() {
    let chromium =
        ["chromium", "chromium-browser"].into_iter().find(|b| Command::new(b).arg("--version").output().is_ok());
    let Some(chromium) = chromium.filter(|_| graphviz()) else {
        strata::testing::missing(
            "STRATA_REQUIRE_DOCS_TOOLS",
            "searching_the_page_in_a_browser_shows_the_table_of_a_column",
            "chromium or Graphviz",
            "Debian: chromium, graphviz",
        );
        return;
    };
    let schema = systems().into_iter().find(|s| s.name == "agentflow").unwrap();
    let dir = tempfile::tempdir().unwrap();
    let page = dir.path().join("index.html");
    let files = docs::files(&schema).unwrap();
    std::fs::write(&page, &files.iter().find(|(p, _)| p == "docs/index.html").unwrap().1).unwrap();
    // A column only one table has, and that table.
    let (table, column) = schema
        .tables
        .iter()
        .flat_map(|t| t.columns.iter().map(move |c| (t, c)))
        .find(|(t, c)| {
            c.name.len() > 6
                && schema.tables.iter().filter(|o| o.columns.iter().any(|x| x.name.contains(&c.name))).count() == 1
                && !schema.tables.iter().any(|o| o.name != t.name && o.name.contains(&c.name))
        })
        .expect("a column of one table");
    let headless = |extra: &[&str], url: &str| {
        let mut args = vec!["--headless", "--no-sandbox", "--disable-gpu", "--virtual-time-budget=2000"];
        args.extend_from_slice(extra);
        args.push(url);
        Command::new(chromium).args(&args).output().unwrap()
    };
    let url = format!("file://{}#q={}", page.display(), column.name);
    let dom = String::from_utf8_lossy(&headless(&["--dump-dom"], &url).stdout).into_owned();
    let sections: Vec<&str> = dom.split("<section").skip(1).collect();
    assert_eq!(sections.len(), schema.tables.len(), "every table has its section: {}", &dom[..dom.len().min(400)]);
    let heading = format!("<h3>{}</h3>", qualified(&table.namespace, &table.name));
    let shown: Vec<&&str> = sections.iter().filter(|s| !s.split('>').next().unwrap().contains("hidden")).collect();
    assert_eq!(shown.len(), 1, "searching `{}` shows one table", column.name);
    assert!(shown[0].contains(&heading), "searching `{}` shows {heading}", column.name);
    assert!(dom.contains("1 table(s) match"), "the count is shown");
    // A screenshot of the page as a person sees it, kept for looking at.
    let shot = Path::new(env!("CARGO_TARGET_TMPDIR")).join("docs-agentflow.png");
    let _ = std::fs::remove_file(&shot);
    headless(&[&format!("--screenshot={}", shot.display()), "--window-size=1280,1600"], &url);
    let png = std::fs::read(&shot).expect("chromium wrote a screenshot");
    assert!(png.starts_with(b"\x89PNG") && png.len() > 10_000, "a real picture: {} bytes", png.len());
}
