//! Tables: columns (with mixins), keys, rule CHECKs, indexes and foreign keys.

use super::*;

pub(super) const MIXIN_KEYS: &[&str] = &["columns", "mixins", "doc"];
pub(super) const TABLE_KEYS: &[&str] = &[
    "doc",
    "mixins",
    "soft_delete",
    "columns",
    "primary_key",
    "unique",
    "exclude",
    "checks",
    "indexes",
    "foreign_keys",
    "partition",
    "rls",
    "policies",
    "triggers",
    "rows",
    "unlogged",
    "with",
    "replica_identity",
    "renamed_from",
];

pub(super) const COLUMN_KEYS: &[&str] = &[
    "type",
    "nullable",
    "primary_key",
    "unique",
    "default",
    "generated",
    "identity",
    "references",
    "on_delete",
    "on_update",
    "check",
    "doc",
    "sensitive",
    "pattern",
    "min_length",
    "range",
    "format",
    "set_on_update",
    "shape",
    "deferrable",
    "collate",
    "renamed_from",
    "backfill",
];

pub(super) const UNIQUE_KEYS: &[&str] = &["columns", "nulls_not_distinct", "deferrable", "doc"];
pub(super) const PRIMARY_KEY_KEYS: &[&str] = &["name", "columns", "doc"];
pub(super) const EXCLUDE_KEYS: &[&str] =
    &["name", "using", "elements", "include", "with", "where", "deferrable", "doc"];
pub(super) const EXCLUDE_ELEMENT_KEYS: &[&str] = &["column", "expr", "order", "nulls", "opclass", "with"];
pub(super) const CHECK_KEYS: &[&str] = &["name", "expr", "not_valid", "doc"];
pub(super) const INDEX_KEYS: &[&str] =
    &["name", "columns", "using", "unique", "nulls_not_distinct", "where", "include", "with", "doc"];
pub(super) const INDEX_KEY_KEYS: &[&str] = &["column", "expr", "order", "nulls", "opclass"];
pub(super) const FK_KEYS: &[&str] =
    &["name", "columns", "references", "on_delete", "on_update", "deferrable", "match", "not_valid", "doc"];
pub(super) const FORMATS: &[(&str, &str)] = &[("email", "email"), ("url", "url")];
/// The declared mixins, expanded on demand with cycle detection.
pub(super) struct Mixins<'m, 'a, 'i> {
    pub(super) decls: &'m [Decl<'a, 'i>],
}

/// A column declaration and the file it was written in.
pub(super) type ColumnDecl<'a, 'i> = (FileId, Span, String, &'a Value<'i>);
impl<'a, 'i> Mixins<'_, 'a, 'i> {
    /// The columns `name` brings, its own after those of the mixins it includes.
    fn columns(
        &self,
        diags: &mut Diagnostics,
        name: &crate::model::Named,
        chain: &mut Vec<String>,
        out: &mut Vec<ColumnDecl<'a, 'i>>,
    ) {
        let Some(decl) = self.decls.iter().find(|d| d.name == name.name) else {
            let names: Vec<&str> = self.decls.iter().map(|d| d.name.as_str()).collect();
            diags.push(Diagnostic::unknown_mixin(&name.name, &names, name.span));
            return;
        };
        if chain.contains(&decl.name) {
            chain.push(decl.name.clone());
            diags.push(Diagnostic::mixin_cycle(chain, name.span));
            chain.pop();
            return;
        }
        let mut w = Walker { file: decl.file, diags };
        let Some(t) = w.table("mixin", decl.value) else { return };
        let f = w.fields(t, MIXIN_KEYS);
        let includes = f.get("mixins").and_then(|v| w.strings("mixins", v)).unwrap_or_default();
        let own = f.get("columns").and_then(|v| w.table("columns", v));
        chain.push(decl.name.clone());
        for inner in &includes {
            self.columns(diags, inner, chain, out);
        }
        chain.pop();
        for (key, value) in own.into_iter().flat_map(|t| t.iter()) {
            out.push((decl.file, span_of(decl.file, key), key.get_ref().to_string(), value));
        }
    }
}

pub(super) fn lower_table(diags: &mut Diagnostics, d: &Decl, mixins: &Mixins) -> Option<Table> {
    let mut w = Walker { file: d.file, diags };
    let t = w.table("table", d.value)?;
    let f = w.fields(t, TABLE_KEYS);
    let mut table = Table::new(&d.namespace, &d.name);
    table.doc = f.get("doc").and_then(|v| w.string("doc", v));
    table.soft_delete = f.get("soft_delete").and_then(|v| w.named("soft_delete", v));
    table.partition = f.get("partition").and_then(|v| lower_partitioning(&mut w, &d.name, v));
    table.unlogged = f.get("unlogged").and_then(|v| w.boolean("unlogged", v)).unwrap_or(false);
    table.storage = f.get("with").map(|v| lower_with(&mut w, "with", v)).unwrap_or_default();
    table.replica_identity = f.get("replica_identity").and_then(|v| lower_replica_identity(&mut w, v));
    table.renamed_from = f.get("renamed_from").and_then(|v| w.string("renamed_from", v));
    table.span = d.span;
    table.rls = f.get("rls").and_then(|v| lower_rls(&mut w, v));
    for item in f.get("triggers").and_then(|v| w.array("triggers", v)).unwrap_or_default() {
        table.triggers.extend(lower_trigger(&mut w, item));
    }
    for item in f.get("rows").and_then(|v| w.array("rows", v)).unwrap_or_default() {
        table.rows.extend(lower_row(&mut w, item));
    }
    for item in f.get("policies").and_then(|v| w.array("policies", v)).unwrap_or_default() {
        table.policies.extend(lower_policy(&mut w, item));
    }

    // Own columns first, then each mixin's, so shared timestamps end up last as in the seeds.
    let mut decls: Vec<ColumnDecl> = Vec::new();
    match f.get("columns").and_then(|v| w.table("columns", v)) {
        Some(cols) => decls.extend(cols.iter().map(|(k, v)| (d.file, w.span(k), k.get_ref().to_string(), v))),
        None if f.get("columns").is_none() && f.get("mixins").is_none() => {
            w.report(Diagnostic::missing_key("columns", &format!("table `{}`", d.name), d.span))
        }
        None => {}
    }
    let included = f.get("mixins").and_then(|v| w.strings("mixins", v)).unwrap_or_default();
    let (pk_value, unique_value) = (f.get("primary_key"), f.get("unique"));
    let (checks_value, indexes_value, fks_value) = (f.get("checks"), f.get("indexes"), f.get("foreign_keys"));
    let exclude_value = f.get("exclude");
    for name in &included {
        mixins.columns(diags, name, &mut Vec::new(), &mut decls);
    }

    let mut pk_columns: Vec<(Named, Span)> = Vec::new();
    for (file, span, name, value) in decls {
        let mut w = Walker { file, diags };
        if let Some(Some(pk_span)) = lower_column(&mut w, &mut table, span, name, value) {
            pk_columns.push((Named { name: table.columns.last().unwrap().name.clone(), span }, pk_span));
        }
    }

    let mut w = Walker { file: d.file, diags };
    if let Some(v) = pk_value {
        // `["a", "b"]`, or `{ name = "...", columns = [...] }` for a key not named `<table>_pkey`.
        let (name, columns, doc) = match v.get_ref() {
            DeValue::Table(t) => {
                let f = w.fields(t, PRIMARY_KEY_KEYS);
                let name = f.get("name").and_then(|n| w.string("name", n));
                let columns = require(&mut w, &f.get("columns"), "columns", "a primary key", v);
                let doc = f.get("doc").and_then(|d| w.string("doc", d));
                (name, columns.map(|c| w.strings("columns", c).unwrap_or_default()), doc)
            }
            _ => (None, Some(w.strings("primary_key", v).unwrap_or_default()), None),
        };
        let name = name.unwrap_or_else(|| format!("{}_pkey", table.name));
        if let Some((_, first)) = pk_columns.first() {
            w.report(Diagnostic::primary_key_twice(&table.name, w.span(v), *first));
        } else {
            match columns {
                Some(columns) if columns.is_empty() => w.report(Diagnostic::empty_list("primary_key", w.span(v))),
                Some(columns) => table.primary_key = Some(PrimaryKey { name, columns, doc, span: w.span(v) }),
                None => {} // `columns` missing was reported
            }
        }
    }
    if pk_columns.len() > 1 {
        let (_, first) = pk_columns[0];
        w.report(Diagnostic::primary_key_twice(&table.name, pk_columns[1].1, first));
    } else if let Some((col, span)) = pk_columns.pop() {
        table.primary_key =
            Some(PrimaryKey { name: format!("{}_pkey", table.name), columns: vec![col], doc: None, span });
    }

    if let Some(v) = unique_value.and_then(|v| w.table("unique", v)) {
        for (name, value) in v.iter() {
            let (cols, nulls_not_distinct, deferrable, doc) = match value.get_ref() {
                DeValue::Table(t) => {
                    let f = w.fields(t, UNIQUE_KEYS);
                    let flag = f.get("nulls_not_distinct").and_then(|v| w.boolean("nulls_not_distinct", v));
                    let deferrable = lower_deferrable(&mut w, f.get("deferrable"));
                    let columns = require(&mut w, &f.get("columns"), "columns", "a unique constraint", value);
                    let doc = f.get("doc").and_then(|d| w.string("doc", d));
                    (columns, flag.unwrap_or(false), deferrable, doc)
                }
                _ => (Some(value), false, Deferrable::No, None),
            };
            let Some(cols) = cols else { continue };
            let columns = w.strings("unique", cols).unwrap_or_default();
            if columns.is_empty() {
                w.report(Diagnostic::empty_list("unique", w.span(cols)));
                continue;
            }
            let name = name.get_ref().to_string();
            table.uniques.push(Unique { name, columns, nulls_not_distinct, deferrable, doc, span: w.span(value) });
        }
    }
    for item in exclude_value.and_then(|v| w.array("exclude", v)).unwrap_or_default() {
        table.exclusions.extend(lower_exclusion(&mut w, &table.name, item));
    }
    for item in checks_value.and_then(|v| w.array("checks", v)).unwrap_or_default() {
        table.checks.extend(lower_check(&mut w, item));
    }
    for item in indexes_value.and_then(|v| w.array("indexes", v)).unwrap_or_default() {
        table.indexes.extend(lower_index(&mut w, &table.name, item));
    }
    for item in fks_value.and_then(|v| w.array("foreign_keys", v)).unwrap_or_default() {
        table.foreign_keys.extend(lower_foreign_key(&mut w, &table.name, item));
    }
    table.policies.splice(0..0, tenant_policy(&table));
    Some(table)
}

/// `replica_identity = "default" | "full" | "nothing"`, or `{ index = "name" }`.
fn lower_replica_identity(w: &mut Walker, v: &Value) -> Option<ReplicaIdentity> {
    match v.get_ref() {
        DeValue::Table(t) => {
            let f = w.fields(t, &["index"]);
            let index = require(w, &f.get("index"), "index", "a replica identity", v)?;
            Some(ReplicaIdentity::Index(w.named("index", index)?))
        }
        _ => match w.choice("replica_identity", v, &[("default", 0u8), ("full", 1), ("nothing", 2)])? {
            0 => Some(ReplicaIdentity::Default),
            1 => Some(ReplicaIdentity::Full),
            _ => Some(ReplicaIdentity::Nothing),
        },
    }
}

/// `[[tables.T.checks]]`: a named CHECK.
pub(super) fn lower_check(w: &mut Walker, item: &Value) -> Option<Check> {
    let t = w.table("checks", item)?;
    let f = w.fields(t, CHECK_KEYS);
    let name = require(w, &f.get("name"), "name", "a check", item);
    let expr = require(w, &f.get("expr"), "expr", "a check", item);
    let (name, expr) = (w.string("name", name?), expr_of(w, "expr", expr?));
    let not_valid = w.flag(&f, "not_valid");
    let doc = f.get("doc").and_then(|v| w.string("doc", v));
    Some(Check { name: name?, expr: expr?, origin: CheckOrigin::Declared, not_valid, doc })
}

/// `[[tables.T.foreign_keys]]`: a foreign key over one or more columns of `table`.
pub(super) fn lower_foreign_key(w: &mut Walker, table: &str, item: &Value) -> Option<ForeignKey> {
    let t = w.table("foreign_keys", item)?;
    let f = w.fields(t, FK_KEYS);
    let columns = require(w, &f.get("columns"), "columns", "a foreign key", item)
        .and_then(|v| w.strings("columns", v))
        .unwrap_or_default();
    let target = require(w, &f.get("references"), "references", "a foreign key", item)?;
    let (ref_table, ref_columns) = reference(w, target)?;
    let cols: Vec<&str> = columns.iter().map(|c| c.name.as_str()).collect();
    let name = match f.get("name") {
        Some(v) => w.string("name", v),
        None => Some(format!("{table}_{}_fkey", cols.join("_"))),
    };
    let on_delete = f.get("on_delete").and_then(|v| w.choice("on_delete", v, &FkAction::ALL)).unwrap_or_default();
    let on_update = f.get("on_update").and_then(|v| w.choice("on_update", v, &FkAction::ALL)).unwrap_or_default();
    let deferrable = lower_deferrable(w, f.get("deferrable"));
    let match_full = f.get("match").and_then(|v| w.choice("match", v, &[("simple", false), ("full", true)]));
    let not_valid = w.flag(&f, "not_valid");
    Some(ForeignKey {
        name: name?,
        columns,
        ref_table,
        ref_columns,
        on_delete,
        on_update,
        deferrable,
        match_full: match_full.unwrap_or(false),
        not_valid,
        doc: f.get("doc").and_then(|v| w.string("doc", v)),
        span: w.span(target),
    })
}

/// `[namespace.]table.column`, `[namespace.]table(a, b)` or `table`: the referenced table and
/// columns (empty: its key). A two-part name without parentheses is `table.column`.
pub(super) fn reference(w: &mut Walker, v: &Value) -> Option<(Ref, Vec<Named>)> {
    let text = w.string("references", v)?;
    let span = w.span(v);
    let named = |name: &str| Named { name: name.trim().to_string(), span };
    let (table, columns) = if let Some((table, rest)) = text.split_once('(') {
        let inner = rest.strip_suffix(')').unwrap_or(rest);
        (table, inner.split(',').map(named).collect())
    } else if let Some((table, column)) = text.rsplit_once('.') {
        (table, vec![named(column)])
    } else {
        (text.as_str(), Vec::new())
    };
    Some((Ref::parse(table, span), columns))
}

/// Lowers one column into `table`; returns `Some(Some(span))` when it is marked primary key.
pub(super) fn lower_column(
    w: &mut Walker,
    table: &mut Table,
    span: Span,
    name: String,
    v: &Value,
) -> Option<Option<Span>> {
    // `name = "varchar(255)"` is shorthand for `name = { type = "varchar(255)" }`.
    let empty = DeTable::default();
    let (t, ty_value) = match v.get_ref() {
        DeValue::String(_) => (&empty, Some(v)),
        DeValue::Table(t) => (t, None),
        _ => {
            w.table("column", v);
            return None;
        }
    };
    let f = w.fields(t, COLUMN_KEYS);
    let ty_value = ty_value.or(f.get("type"));
    let Some(ty_value) = ty_value else {
        // A misspelt `type` was reported as an unknown key already; saying it is missing is noise.
        if t.iter().all(|(k, _)| COLUMN_KEYS.contains(&k.get_ref().as_ref())) {
            w.report(Diagnostic::missing_key("type", &format!("column `{name}`"), span));
        }
        return None;
    };
    let ty = parse_type(w, ty_value)?;
    let primary_key = w.flag(&f, "primary_key");
    let nullable = w.flag(&f, "nullable");
    let unique = w.flag(&f, "unique");
    let sensitive = w.flag(&f, "sensitive");
    let rules = Rules {
        min_length: f.get("min_length").and_then(|v| w.count("min_length", v)),
        pattern: f.get("pattern").and_then(|v| w.string("pattern", v)),
        range: f.get("range").and_then(|v| lower_range(w, &name, v)),
        format: f.get("format").and_then(|v| w.choice("format", v, FORMATS)).map(str::to_string),
    };
    let column = Column {
        name: name.clone(),
        ty,
        ty_span: w.span(ty_value),
        nullable,
        default: f.get("default").and_then(|v| expr_of(w, "default", v)),
        generated: f.get("generated").and_then(|v| expr_of(w, "generated", v)),
        identity: f.get("identity").and_then(|v| lower_identity(w, v)),
        collation: f.get("collate").and_then(|v| w.named("collate", v)),
        doc: f.get("doc").and_then(|v| w.string("doc", v)),
        rules,
        sensitive,
        set_on_update: f.get("set_on_update").and_then(|v| expr_of(w, "set_on_update", v)),
        shape: f.get("shape").and_then(|v| Some(Named { name: w.string("shape", v)?, span: w.span(v) })),
        renamed_from: f.get("renamed_from").and_then(|v| w.string("renamed_from", v)),
        backfill: f.get("backfill").and_then(|v| expr_of(w, "backfill", v)),
        span,
    };
    let t = table.name.clone();
    if unique {
        let columns = vec![Named { name: name.clone(), span }];
        let deferrable = Deferrable::No;
        table.uniques.push(Unique {
            name: format!("{t}_{name}_key"),
            columns,
            nulls_not_distinct: false,
            deferrable,
            doc: None,
            span,
        });
    }
    if let Some(expr) = f.get("check").and_then(|v| expr_of(w, "check", v)) {
        let check = Check {
            name: format!("{t}_{name}_check"),
            expr,
            origin: CheckOrigin::Declared,
            not_valid: false,
            doc: None,
        };
        table.checks.push(check);
    }
    push_rule_checks(table, &column);
    if let Some(target) = f.get("references")
        && let Some((ref_table, ref_columns)) = reference(w, target)
    {
        let fk_span = w.span(target);
        let on_delete = f.get("on_delete").and_then(|v| w.choice("on_delete", v, &FkAction::ALL));
        let on_update = f.get("on_update").and_then(|v| w.choice("on_update", v, &FkAction::ALL));
        table.foreign_keys.push(ForeignKey {
            name: format!("{t}_{name}_fkey"),
            columns: vec![Named { name: name.clone(), span }],
            ref_table,
            ref_columns,
            on_delete: on_delete.unwrap_or_default(),
            on_update: on_update.unwrap_or_default(),
            deferrable: lower_deferrable(w, f.get("deferrable")),
            match_full: false,
            not_valid: false,
            doc: None,
            span: fk_span,
        });
    }
    if f.get("references").is_none() {
        for key in ["on_delete", "on_update", "deferrable"] {
            if let Some(v) = f.get(key) {
                w.report(Diagnostic::fk_action_without_reference(key, &name, w.span(v)));
            }
        }
    }
    table.columns.push(column);
    Some(primary_key.then_some(span))
}

/// CHECK constraints derived from a column's rules, so PostgreSQL enforces them too.
pub(super) fn push_rule_checks(table: &mut Table, column: &Column) {
    let (t, c) = (table.name.clone(), &column.name);
    let q = crate::sql::ident(c);
    let mut rule = |suffix: &str, sql: String| {
        table.checks.push(Check {
            name: format!("{t}_{c}_{suffix}"),
            expr: Expr::new(sql, column.span),
            origin: CheckOrigin::Rule { column: c.clone() },
            not_valid: false,
            doc: None,
        })
    };
    if let Some(n) = column.rules.min_length {
        rule("min_length", format!("char_length({q}) >= {n}"));
    }
    if let Some(pattern) = &column.rules.pattern {
        rule("pattern", format!("{q} ~ {}", crate::sql::literal(pattern)));
    }
    if let Some(Range { min, max }) = &column.rules.range {
        let parts: Vec<String> =
            [min.as_ref().map(|m| format!("{q} >= {m}")), max.as_ref().map(|m| format!("{q} <= {m}"))]
                .into_iter()
                .flatten()
                .collect();
        rule("range", parts.join(" AND "));
    }
}

pub(super) fn lower_index(w: &mut Walker, table: &str, item: &Value) -> Option<Index> {
    let t = w.table("indexes", item)?;
    let f = w.fields(t, INDEX_KEYS);
    let columns = require(w, &f.get("columns"), "columns", "an index", item)?;
    let mut keys = Vec::new();
    for key in w.array("columns", columns).unwrap_or_default() {
        if let Some(key) = lower_index_key(w, key, INDEX_KEY_KEYS) {
            keys.push(key);
        }
    }
    if keys.is_empty() {
        w.report(Diagnostic::empty_list("columns", w.span(columns)));
        return None;
    }
    let name = match f.get("name") {
        Some(v) => w.string("name", v)?,
        None => format!("{table}_{}_idx", key_names(keys.iter()).join("_")),
    };
    let method = match f.get("using") {
        Some(v) => w.string("using", v)?.to_ascii_lowercase(),
        None => "btree".to_string(),
    };
    let with = f.get("with").map(|v| lower_with(w, "with", v)).unwrap_or_default();
    Some(Index {
        name,
        keys,
        method,
        unique: f.get("unique").and_then(|v| w.boolean("unique", v)).unwrap_or(false),
        nulls_not_distinct: f
            .get("nulls_not_distinct")
            .and_then(|v| w.boolean("nulls_not_distinct", v))
            .unwrap_or(false),
        predicate: f.get("where").and_then(|v| expr_of(w, "where", v)),
        include: f.get("include").and_then(|v| w.strings("include", v)).unwrap_or_default(),
        with,
        doc: f.get("doc").and_then(|v| w.string("doc", v)),
        // A named index is found at its name (duplicates and length point there).
        span: f.get("name").map_or(w.span(item), |v| w.span(v)),
    })
}

/// `[[tables.T.exclude]]`: an exclusion constraint, named `<table>_<columns>_excl` by default
/// as PostgreSQL names it.
fn lower_exclusion(w: &mut Walker, table: &str, item: &Value) -> Option<Exclusion> {
    let t = w.table("exclude", item)?;
    let f = w.fields(t, EXCLUDE_KEYS);
    let list = require(w, &f.get("elements"), "elements", "an exclusion constraint", item)?;
    let mut elements = Vec::new();
    for v in w.array("elements", list).unwrap_or_default() {
        let Some(key) = lower_index_key(w, v, EXCLUDE_ELEMENT_KEYS) else { continue };
        // Its keys were checked by lower_index_key.
        let operator = match v.get_ref() {
            DeValue::Table(e) => e.iter().find(|(k, _)| k.get_ref() == "with").and_then(|(_, o)| w.string("with", o)),
            _ => None,
        };
        match operator {
            Some(operator) => elements.push(ExclusionElement { key, operator }),
            None => {
                w.report(Diagnostic::missing_key("with", "an exclusion element (its operator: `=`, `&&`)", w.span(v)))
            }
        }
    }
    if elements.is_empty() {
        w.report(Diagnostic::empty_list("elements", w.span(list)));
        return None;
    }
    let name = match f.get("name") {
        Some(v) => w.string("name", v)?,
        None => format!("{table}_{}_excl", key_names(elements.iter().map(|e| &e.key)).join("_")),
    };
    let method = f.get("using").and_then(|v| w.string("using", v)).map_or("gist".into(), |m| m.to_ascii_lowercase());
    Some(Exclusion {
        name,
        method,
        elements,
        include: f.get("include").and_then(|v| w.strings("include", v)).unwrap_or_default(),
        with: f.get("with").map(|v| lower_with(w, "with", v)).unwrap_or_default(),
        predicate: f.get("where").and_then(|v| expr_of(w, "where", v)),
        deferrable: lower_deferrable(w, f.get("deferrable")),
        doc: f.get("doc").and_then(|v| w.string("doc", v)),
        span: f.get("name").map_or(w.span(item), |v| w.span(v)),
    })
}

/// The parts of a derived index or constraint name: column names, `expr` for an expression.
fn key_names<'k>(keys: impl Iterator<Item = &'k IndexKey>) -> Vec<&'k str> {
    keys.map(|k| match &k.target {
        IndexTarget::Column(c) => c.name.as_str(),
        IndexTarget::Expr(_) => "expr",
    })
    .collect()
}

/// A key of an index (or exclusion element, whose table also allows `with`): a column name, or a
/// table with `column` or `expr` and its order, nulls and opclass.
pub(super) fn lower_index_key(w: &mut Walker, v: &Value, allowed: &[&str]) -> Option<IndexKey> {
    let plain = |target| IndexKey { target, opclass: None, descending: false, nulls_first: None };
    match v.get_ref() {
        DeValue::String(_) => Some(plain(IndexTarget::Column(w.named("columns", v)?))),
        DeValue::Table(t) => {
            let f = w.fields(t, allowed);
            let target = match (f.get("column"), f.get("expr")) {
                (Some(c), None) => IndexTarget::Column(w.named("column", c)?),
                (None, Some(e)) => IndexTarget::Expr(expr_of(w, "expr", e)?),
                _ => {
                    w.report(Diagnostic::missing_key(
                        "column",
                        "an index key (give `column` or `expr`, not both)",
                        w.span(v),
                    ));
                    return None;
                }
            };
            let descending = match f.get("order") {
                Some(o) => w.choice("order", o, &[("asc", false), ("desc", true)])?,
                None => false,
            };
            let nulls_first = match f.get("nulls") {
                Some(n) => Some(w.choice("nulls", n, &[("first", true), ("last", false)])?),
                None => None,
            };
            let opclass = f.get("opclass").and_then(|o| w.string("opclass", o));
            Some(IndexKey { opclass, descending, nulls_first, ..plain(target) })
        }
        _ => {
            w.string("columns", v);
            None
        }
    }
}

/// A foreign key that names no columns references its target's primary key.
pub(super) fn resolve_foreign_key_targets(schema: &mut Schema) {
    let keys: HashMap<QName, Vec<Named>> =
        schema.tables.iter().filter_map(|t| Some((t.qname(), t.primary_key.as_ref()?.columns.clone()))).collect();
    // A partition's own foreign keys too.
    let mut all: Vec<&mut ForeignKey> = Vec::new();
    for t in &mut schema.tables {
        let Table { foreign_keys, partition, .. } = t;
        all.extend(foreign_keys.iter_mut());
        all.extend(partition.iter_mut().flat_map(|p| &mut p.partitions).flat_map(|p| &mut p.foreign_keys));
    }
    for fk in all {
        if fk.ref_columns.is_empty() {
            let span = fk.ref_table.span;
            let pk = keys.get(&fk.ref_table.qname()).into_iter().flatten();
            fk.ref_columns = pk.map(|c| Named { name: c.name.clone(), span }).collect();
        }
    }
}

/// `with = { name = value, ... }` (or `set`): storage parameters, options or settings, each value a SQL literal
/// (strings quoted, numbers and booleans as written).
pub(super) fn lower_with(w: &mut Walker, key: &str, v: &Value) -> Vec<(String, String)> {
    let mut with = Vec::new();
    for (k, v) in w.table(key, v).map(|t| t.iter().collect::<Vec<_>>()).unwrap_or_default() {
        let value = match v.get_ref() {
            DeValue::String(_) => w.string(key, v).map(|s| crate::sql::literal(&s)),
            DeValue::Boolean(b) => Some(b.to_string()),
            _ => w.number(key, v),
        };
        if let Some(value) = value {
            with.push((k.get_ref().to_string(), value));
        }
    }
    with
}

/// `deferrable = "immediate" | "deferred"`; absent: not deferrable.
pub(super) fn lower_deferrable(w: &mut Walker, v: Option<&Value>) -> Deferrable {
    v.and_then(|v| w.choice("deferrable", v, &Deferrable::ALL)).unwrap_or_default()
}
