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

/// `#[derive(strata::Table)]` on each struct of the Rust-described shop schema expands to the
/// same items `strata generate` renders for that table from the whole file (the row struct aside).
#[test]
fn the_derive_generates_what_the_models_hold() {
    let text = std::fs::read_to_string("../schema/shop.rs").unwrap();
    let whole = strata_codegen::compile_rust("shop", "schema/shop.rs", &text).schema.unwrap();
    let models = TokenStream::from_str(&strata_codegen::render::rust::models(&whole)).unwrap().to_string();
    let file = syn::parse_file(&text).unwrap();
    let mut derived = 0;
    for item in &file.items {
        let syn::Item::Struct(s) = item else { continue };
        let expanded = strata_codegen::macros::derive_table(quote::quote!(#s)).to_string();
        assert!(!expanded.contains("compile_error"), "{expanded}");
        let table = whole.tables.iter().find(|t| s.ident == strata_codegen::render::rust::row_type(&t.name)).unwrap();
        let items =
            TokenStream::from_str(&strata_codegen::render::rust::derived(&whole, table, &s.ident.to_string())).unwrap();
        // The items after the imports: from the Debug impl on.
        let items = items.to_string();
        let body = &items[items.find("impl std :: fmt :: Debug").unwrap()..];
        assert!(expanded.contains(body), "{}: the derive differs from the whole-file rendering", s.ident);
        assert!(models.contains(body), "{}: the models differ", s.ident);
        derived += 1;
    }
    assert_eq!(derived, 2);
}
