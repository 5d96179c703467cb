//! Bad input: each fixture under tests/fixtures/errors is one mistake, and its snapshot is the
//! exact rendered message, file:line:column and source excerpt included.

use strata_codegen::compile_toml_str;

#[test]
fn every_error_fixture_renders_its_diagnostics() {
    insta::glob!("fixtures/errors/*.toml", |path| {
        let text = std::fs::read_to_string(path).unwrap();
        let name = format!("fixtures/errors/{}", path.file_name().unwrap().to_string_lossy());
        let compiled = compile_toml_str([(name.as_str(), text.as_str())]);
        assert!(!compiled.diagnostics.is_empty(), "{name} produced no diagnostic");
        let expects_error = !name.contains("warning");
        assert_eq!(compiled.diagnostics.has_errors(), expects_error, "{name}");
        assert_eq!(compiled.schema.is_some(), !expects_error, "{name}: a schema with errors yields no model");
        insta::assert_snapshot!(compiled.diagnostics.render(&compiled.sources));
    });
}

#[test]
fn all_errors_of_a_run_are_reported_not_only_the_first() {
    let text = r#"
[schema]
name = "many"
[tables.a.columns]
id = { type = "uuid", primary_key = true, tyep = "x" }
b = "varchr(10)"
c = { type = "uuid", references = "nowhere.id" }
"#;
    let compiled = compile_toml_str([("many.toml", text)]);
    let codes: Vec<&str> = compiled.diagnostics.0.iter().map(|d| d.code).collect();
    assert_eq!(codes, ["E0002", "E0005", "E0007"]);
}

#[test]
fn json_diagnostics_carry_positions() {
    let compiled = compile_toml_str([(
        "pos.toml",
        "[schema]\nname = \"p\"\n[tables.t.columns]\nid = { type = \"uuid\", primary_key = true }\nx = \"intger\"\n",
    )]);
    let json = compiled.diagnostics.to_json(&compiled.sources);
    assert_eq!(json[0]["code"], "E0005");
    assert_eq!(json[0]["file"], "pos.toml");
    assert_eq!((json[0]["line"].as_u64(), json[0]["column"].as_u64()), (Some(5), Some(5)));
    assert_eq!(json[0]["help"], "did you mean `integer`?");
}
