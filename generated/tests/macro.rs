//! `strata::schema!` expands to exactly the committed `generated/<system>/models.rs`, its types
//! work, and a schema error becomes a compile error that quotes file:line:column.

use std::path::Path;
use std::str::FromStr;

use proc_macro2::TokenStream;
use strata::Validate;

mod via_macro {
    strata::schema!("../schema/agentflow");
}

#[test]
fn expands_to_the_generated_models() {
    for system in ["agentflow", "agentic", "agentworks", "aiplatform", "autosdlc"] {
        let schema = strata_codegen::io::compile_folder(&Path::new("../schema").join(system)).unwrap().schema.unwrap();
        let expanded = strata_codegen::macros::models_tokens(&schema, &[]).unwrap();
        let committed =
            TokenStream::from_str(&std::fs::read_to_string(format!("{system}/models.rs")).unwrap()).unwrap();
        assert_eq!(expanded.to_string(), committed.to_string(), "{system}");
    }
}

#[test]
fn the_expanded_types_work() {
    let levels: Vec<&str> = via_macro::AgentLevel::ALL.iter().map(|l| l.as_str()).collect();
    assert_eq!(levels, ["organization", "project"]);
    let user = via_macro::NewUser {
        id: None,
        email: "not-an-email".into(),
        password_hash: "h".into(),
        name: String::new(),
        avatar_url: None,
        created_at: None,
        updated_at: None,
        deleted_at: None,
    };
    let rules: Vec<&str> = user.validate().unwrap_err().0.iter().map(|v| v.rule).collect();
    assert_eq!(rules, ["email", "min_length"]);
}

#[test]
fn a_schema_error_is_a_compile_error_with_its_position() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("s.toml"),
        "[schema]\nname = \"s\"\n[tables.t.columns]\nid = { type = \"uuid\", primary_key = true }\nn = \"integr\"\n",
    )
    .unwrap();
    let input = TokenStream::from_str(&format!("{:?}", dir.path().display().to_string())).unwrap();
    let out = strata_codegen::macros::schema_inner(input).to_string();
    assert!(out.contains("compile_error"), "{out}");
    assert!(out.contains("s.toml:5:5") && out.contains("unknown column type `integr`"), "{out}");
}
