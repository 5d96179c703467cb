//! The Rust source: structs with `#[derive(strata::Table)]` and `#[strata(...)]` attributes, and
//! `strata::union_type!` invocations, as a description of tables and union types.
//!
//! It is translated into the TOML document the TOML source reads, so both share one lowering and
//! one set of checks; every TOML value keeps the Rust tokens it came from, and diagnostics are
//! mapped back to them. Attribute keys are the TOML keys (docs/format.md): `#[strata(type =
//! "varchar(100)", pattern = "^[a-z]+$")]` on a field is `name = { type = "varchar(100)", pattern
//! = "^[a-z]+$" }`; a bare key is `true`; a column's type and nullability follow the field's Rust
//! type unless `type` is given.

use std::fmt::Write as _;
use std::ops::Range;

use proc_macro2::Span;
use syn::ext::IdentExt as _;
use syn::spanned::Spanned;
use syn::{Attribute, Expr, Fields, Item, ItemMacro, ItemStruct, Lit, Meta, Type};

/// A Rust description as TOML text, with where each part of the text came from.
pub struct Translation {
    pub toml: String,
    origins: Vec<(Range<usize>, Span)>,
    /// Where a diagnostic that points at no translated value is reported.
    pub fallback: Span,
}

impl Translation {
    /// The Rust tokens the TOML text at `offset` came from: the innermost recorded range
    /// holding it, else the last one starting before it.
    pub fn origin(&self, offset: usize) -> Span {
        let holding = self.origins.iter().filter(|(r, _)| r.start <= offset && offset < r.end.max(r.start + 1));
        if let Some((_, span)) = holding.min_by_key(|(r, _)| r.len()) {
            return *span;
        }
        self.origins.iter().rev().find(|(r, _)| r.start <= offset).map_or(self.fallback, |(_, s)| *s)
    }
}

/// Whether an item derives `Table` (as `strata::Table` or imported).
pub fn derives_table(attrs: &[Attribute]) -> bool {
    attrs.iter().filter(|a| a.path().is_ident("derive")).any(|a| {
        a.parse_args_with(syn::punctuated::Punctuated::<syn::Path, syn::Token![,]>::parse_terminated)
            .is_ok_and(|paths| paths.iter().any(|p| p.segments.last().is_some_and(|s| s.ident == "Table")))
    })
}

/// Every table (`#[derive(strata::Table)]` struct) and union type (`union_type!`) of a file.
pub fn translate_file(file: &syn::File, schema: &str) -> syn::Result<Translation> {
    let mut w = Writer::new(schema, Span::call_site());
    for item in &file.items {
        match item {
            Item::Struct(s) if derives_table(&s.attrs) => drop(w.table(s)?),
            Item::Macro(m) if m.mac.path.segments.last().is_some_and(|s| s.ident == "union_type") => w.union(m)?,
            _ => {}
        }
    }
    Ok(w.finish())
}

/// One struct, for `#[derive(strata::Table)]`: the union types and referenced tables it names are
/// declared elsewhere, so stand-ins are declared for them (never rendered) to let checks run.
/// Returns the translation and the table's name.
pub fn translate_struct(item: &ItemStruct, schema: &str) -> syn::Result<(Translation, String)> {
    let mut w = Writer::new(schema, item.ident.span());
    let table = w.table(item)?;
    for (name, values) in std::mem::take(&mut w.unions_named) {
        if !w.unions_declared.contains(&name) {
            let values: Vec<String> = values.iter().map(|v| json(v)).collect();
            writeln!(w.out, "\n[enums.{}]\nvalues = [{}]", json(&name), values.join(", ")).unwrap();
        }
    }
    for (target, columns) in std::mem::take(&mut w.references) {
        if target == table {
            continue;
        }
        writeln!(w.out, "\n[tables.{}.columns]", json(&target)).unwrap();
        for (i, (column, ty)) in columns.iter().enumerate() {
            let key = if columns.len() == 1 || i == 0 { ", primary_key = true" } else { "" };
            writeln!(w.out, "{} = {{ type = {}{key} }}", json(column), json(ty)).unwrap();
        }
    }
    Ok((w.finish(), table))
}

struct Writer {
    out: String,
    origins: Vec<(Range<usize>, Span)>,
    fallback: Span,
    /// Union types fields name (with the literal defaults they use), and those declared.
    unions_named: Vec<(String, Vec<String>)>,
    unions_declared: Vec<String>,
    /// Tables foreign keys name, with the referenced columns and their types.
    references: Vec<(String, Vec<(String, String)>)>,
}

impl Writer {
    fn new(schema: &str, fallback: Span) -> Writer {
        let mut out = String::new();
        writeln!(out, "[schema]\nname = {}", json(schema)).unwrap();
        Writer {
            out,
            origins: Vec::new(),
            fallback,
            unions_named: Vec::new(),
            unions_declared: Vec::new(),
            references: Vec::new(),
        }
    }

    fn finish(self) -> Translation {
        Translation { toml: self.out, origins: self.origins, fallback: self.fallback }
    }

    /// Writes `text`, remembering that it came from `span`.
    fn emit(&mut self, text: &str, span: Span) {
        let start = self.out.len();
        self.out.push_str(text);
        self.origins.push((start..self.out.len(), span));
    }

    fn union(&mut self, m: &ItemMacro) -> syn::Result<()> {
        let u: UnionType = m.mac.parse_body()?;
        let name = u.sql.value();
        self.out.push_str("\n[enums.");
        self.emit(&json(&name), u.sql.span());
        self.out.push_str("]\nvalues = [");
        for (i, (_, value)) in u.variants.iter().enumerate() {
            if i > 0 {
                self.out.push_str(", ");
            }
            self.emit(&json(&value.value()), value.span());
        }
        self.out.push_str("]\n");
        if let Some(doc) = doc(&u.attrs) {
            writeln!(self.out, "doc = {}", json(&doc)).unwrap();
        }
        self.unions_declared.push(name);
        Ok(())
    }

    /// `[tables.NAME]` with its keys, its columns, and its checks, indexes and foreign keys.
    fn table(&mut self, s: &ItemStruct) -> syn::Result<String> {
        let Fields::Named(fields) = &s.fields else {
            return Err(syn::Error::new(s.span(), "a table is a struct with named fields, one per column"));
        };
        let mut name = None;
        let mut keys = Vec::new();
        let mut lists = Vec::new();
        for attr in strata_attrs(&s.attrs)? {
            match &attr.value {
                AttrValue::Value(v) if attr.key == "table" => name = Some(string(v)?),
                AttrValue::List(_) if ["check", "index", "foreign_key", "unique"].iter().any(|k| attr.key == k) => {
                    lists.push(attr)
                }
                _ => keys.push(attr),
            }
        }
        let table = name.unwrap_or_else(|| format!("{}s", crate::rust_names::field(&s.ident.to_string())));
        self.out.push_str("\n[tables.");
        self.emit(&json(&table), s.ident.span());
        self.out.push_str("]\n");
        if let Some(doc) = doc(&s.attrs) {
            writeln!(self.out, "doc = {}", json(&doc)).unwrap();
        }
        for attr in &keys {
            self.key_value(attr)?;
            self.out.push('\n');
        }
        writeln!(self.out, "[tables.{}.columns]", json(&table)).unwrap();
        for f in &fields.named {
            self.column(f)?;
        }
        for list in &lists {
            let AttrValue::List(items) = &list.value else { continue };
            if list.key == "unique" {
                // `unique(name = "k", columns = ["a", "b"])` is `[tables.t.unique] k = { columns = [...] }`.
                let Some(AttrValue::Value(key)) = items.iter().find(|a| a.key == "name").map(|a| &a.value) else {
                    return Err(syn::Error::new(list.key.span(), "`unique(...)` needs `name = \"...\"`"));
                };
                writeln!(self.out, "[tables.{}.unique]", json(&table)).unwrap();
                self.emit(&json(&string(key)?), key.span());
                self.out.push_str(" = ");
                self.inline(items.iter().filter(|a| a.key != "name"))?;
                self.out.push('\n');
                continue;
            }
            let section = match list.key.to_string().as_str() {
                "check" => "checks",
                "index" => "indexes",
                _ => "foreign_keys",
            };
            writeln!(self.out, "[[tables.{}.{section}]]", json(&table)).unwrap();
            for item in items {
                self.key_value(item)?;
                self.out.push('\n');
            }
        }
        Ok(table)
    }

    fn column(&mut self, f: &syn::Field) -> syn::Result<()> {
        let ident = f.ident.as_ref().expect("named field");
        let column = ident.to_string().trim_start_matches("r#").to_string();
        let metas = strata_attrs(&f.attrs)?;
        let given = |key: &str| metas.iter().find(|a| a.key == key);
        let given_string = |key: &str| match given(key).map(|a| &a.value) {
            Some(AttrValue::Value(v)) => string(v).ok(),
            _ => None,
        };
        let given_type = given("type").is_some();
        let (inferred, nullable) = sql_type(&f.ty);
        self.emit(&json(&column), ident.span());
        self.out.push_str(" = { ");
        let mut first = true;
        if !given_type {
            let Some(ty) = inferred.clone() else {
                return Err(syn::Error::new(
                    f.ty.span(),
                    "strata cannot tell this field's column type; add #[strata(type = \"...\")]",
                ));
            };
            self.out.push_str("type = ");
            self.emit(&json(&ty), f.ty.span());
            first = false;
        }
        if nullable && given("nullable").is_none() {
            self.out.push_str(if first { "nullable = true" } else { ", nullable = true" });
            first = false;
        }
        for attr in &metas {
            if !first {
                self.out.push_str(", ");
            }
            first = false;
            self.key_value(attr)?;
        }
        if let Some(doc) = doc(&f.attrs) {
            write!(self.out, "{}doc = {}", if first { "" } else { ", " }, json(&doc)).unwrap();
        }
        self.out.push_str(" }\n");
        // What the stand-ins of `translate_struct` need.
        let ty = given_string("type").or(inferred).unwrap_or_default();
        if is_union_name(&ty) {
            let value =
                given_string("default").and_then(|d| d.strip_prefix('\'')?.strip_suffix('\'').map(str::to_string));
            let values = value.into_iter().chain(["value".to_string()]).collect();
            self.unions_named.push((ty.clone(), values));
        }
        if let Some(target) = given_string("references") {
            let (table, col) = match target.split_once('.') {
                Some((t, c)) => (t.to_string(), c.to_string()),
                None => (target.clone(), "id".to_string()),
            };
            let ty = ty.replace("bigserial", "bigint").replace("serial", "integer");
            self.references.push((table, vec![(col, ty)]));
        }
        Ok(())
    }

    /// `key = value` of one attribute item.
    fn key_value(&mut self, attr: &Attr) -> syn::Result<()> {
        self.emit(&json(&attr.key.unraw().to_string()), attr.key.span());
        self.out.push_str(" = ");
        match &attr.value {
            AttrValue::Flag => self.emit("true", attr.key.span()),
            AttrValue::Value(v) => {
                let text = value(v)?;
                self.emit(&text, v.span());
            }
            AttrValue::List(items) => self.inline(items.iter())?,
        }
        Ok(())
    }

    /// `{ a = 1, b = "x" }`.
    fn inline<'a>(&mut self, attrs: impl Iterator<Item = &'a Attr>) -> syn::Result<()> {
        self.out.push_str("{ ");
        for (i, attr) in attrs.enumerate() {
            if i > 0 {
                self.out.push_str(", ");
            }
            self.key_value(attr)?;
        }
        self.out.push_str(" }");
        Ok(())
    }
}

/// One item of a `#[strata(...)]` attribute: `key`, `key = value` or `key(items)`. Keys may be
/// Rust keywords (`type`, `where`), as in the TOML format.
struct Attr {
    key: syn::Ident,
    value: AttrValue,
}

enum AttrValue {
    Flag,
    Value(Box<Expr>),
    List(Vec<Attr>),
}

impl syn::parse::Parse for Attr {
    fn parse(input: syn::parse::ParseStream) -> syn::Result<Self> {
        let key = input.call(syn::Ident::parse_any)?;
        let value = if input.peek(syn::Token![=]) {
            let _: syn::Token![=] = input.parse()?;
            AttrValue::Value(Box::new(input.parse()?))
        } else if input.peek(syn::token::Paren) {
            let items;
            syn::parenthesized!(items in input);
            AttrValue::List(items.parse_terminated(Attr::parse, syn::Token![,])?.into_iter().collect())
        } else {
            AttrValue::Flag
        };
        Ok(Attr { key, value })
    }
}

/// The items of every `#[strata(...)]` attribute.
fn strata_attrs(attrs: &[Attribute]) -> syn::Result<Vec<Attr>> {
    let mut items = Vec::new();
    for a in attrs.iter().filter(|a| a.path().is_ident("strata")) {
        items.extend(a.parse_args_with(syn::punctuated::Punctuated::<Attr, syn::Token![,]>::parse_terminated)?);
    }
    Ok(items)
}

/// `///` comments, joined.
fn doc(attrs: &[Attribute]) -> Option<String> {
    let lines: Vec<String> = attrs
        .iter()
        .filter_map(|a| match &a.meta {
            Meta::NameValue(nv) if nv.path.is_ident("doc") => string(&nv.value).ok().map(|s| s.trim().to_string()),
            _ => None,
        })
        .collect();
    (!lines.is_empty()).then(|| lines.join("\n"))
}

fn string(e: &Expr) -> syn::Result<String> {
    match e {
        Expr::Lit(l) => match &l.lit {
            Lit::Str(s) => Ok(s.value()),
            _ => Err(syn::Error::new(e.span(), "expected a string")),
        },
        _ => Err(syn::Error::new(e.span(), "expected a string")),
    }
}

/// A literal (string, integer, float, bool, or an array of them) as TOML.
fn value(e: &Expr) -> syn::Result<String> {
    match e {
        Expr::Lit(l) => match &l.lit {
            Lit::Str(s) => Ok(json(&s.value())),
            Lit::Int(i) => Ok(i.base10_digits().to_string()),
            Lit::Float(f) => Ok(f.base10_digits().to_string()),
            Lit::Bool(b) => Ok(b.value.to_string()),
            _ => Err(syn::Error::new(e.span(), "expected a string, number or bool")),
        },
        Expr::Unary(u) if matches!(u.op, syn::UnOp::Neg(_)) => Ok(format!("-{}", value(&u.expr)?)),
        Expr::Array(a) => Ok(format!("[{}]", a.elems.iter().map(value).collect::<syn::Result<Vec<_>>>()?.join(", "))),
        _ => Err(syn::Error::new(e.span(), "expected a literal value (string, number, bool or [list])")),
    }
}

/// A TOML basic string (JSON's escapes are TOML's).
fn json(s: &str) -> String {
    serde_json::to_string(s).expect("a string serializes")
}

/// The column type a Rust field type maps to, and whether it is nullable (`Option`). `None` for a
/// type strata does not know; a plain name it does not know is taken for a union type
/// (`AgentStatus` -> `agent_status`).
fn sql_type(ty: &Type) -> (Option<String>, bool) {
    let Type::Path(p) = ty else { return (None, false) };
    let Some(last) = p.path.segments.last() else { return (None, false) };
    let inner = || match &last.arguments {
        syn::PathArguments::AngleBracketed(a) => a.args.iter().find_map(|g| match g {
            syn::GenericArgument::Type(t) => Some(t),
            _ => None,
        }),
        _ => None,
    };
    let name = last.ident.to_string();
    let sql = match name.as_str() {
        "Option" => {
            return match inner() {
                Some(t) => (sql_type(t).0, true),
                None => (None, true),
            };
        }
        "Vec" => match inner() {
            Some(Type::Path(t)) if t.path.is_ident("u8") => "bytea".to_string(),
            Some(t) => return (sql_type(t).0.map(|s| format!("{s}[]")), false),
            None => return (None, false),
        },
        "Uuid" => "uuid".into(),
        "String" => "text".into(),
        "bool" => "boolean".into(),
        "i16" => "smallint".into(),
        "i32" => "integer".into(),
        "i64" => "bigint".into(),
        "f32" => "real".into(),
        "f64" => "double precision".into(),
        "Decimal" => "numeric".into(),
        "NaiveDate" => "date".into(),
        "NaiveTime" => "time".into(),
        "NaiveDateTime" => "timestamp".into(),
        "DateTime" => "timestamptz".into(),
        "Value" => "jsonb".into(),
        "IpAddr" => "inet".into(),
        _ if last.arguments.is_none() && name.chars().next().is_some_and(char::is_uppercase) => {
            crate::rust_names::field(&name).into_owned()
        }
        _ => return (None, false),
    };
    (Some(sql), false)
}

/// Whether a column type names a union type rather than a built-in (`agent_status`).
fn is_union_name(ty: &str) -> bool {
    !ty.is_empty()
        && ty.chars().all(|c| c.is_ascii_lowercase() || c == '_' || c.is_ascii_digit())
        && matches!(
            crate::model::ColumnType::parse(ty),
            Ok(crate::model::ColumnType::Scalar(crate::model::Scalar::Unresolved(_)))
        )
}

/// `union_type!`'s input: `$(#[meta])* $vis enum Name("sql_name") { Variant = "value", ... }`.
struct UnionType {
    attrs: Vec<Attribute>,
    sql: syn::LitStr,
    variants: Vec<(syn::Ident, syn::LitStr)>,
}

impl syn::parse::Parse for UnionType {
    fn parse(input: syn::parse::ParseStream) -> syn::Result<Self> {
        let attrs = input.call(Attribute::parse_outer)?;
        let _: syn::Visibility = input.parse()?;
        let _: syn::Token![enum] = input.parse()?;
        let _: syn::Ident = input.parse()?;
        let sql;
        syn::parenthesized!(sql in input);
        let sql: syn::LitStr = sql.parse()?;
        let body;
        syn::braced!(body in input);
        let mut variants = Vec::new();
        while !body.is_empty() {
            let ident: syn::Ident = body.parse()?;
            let _: syn::Token![=] = body.parse()?;
            variants.push((ident, body.parse()?));
            if !body.is_empty() {
                let _: syn::Token![,] = body.parse()?;
            }
        }
        Ok(UnionType { attrs, sql, variants })
    }
}
