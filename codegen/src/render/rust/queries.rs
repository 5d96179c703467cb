//! A table's query helpers: the SQL text and bindings of its insert, get, update, delete, finders
//! and keyset lists, over the runtime's generic queries.

use super::*;
use crate::model::Deferrable;

#[allow(clippy::too_many_arguments)]
pub(super) fn render_queries(
    out: &mut String,
    schema: &Schema,
    t: &Table,
    row: &str,
    new: &str,
    inserted: &[&Column],
    patch: &str,
    patched: &[&Column],
) {
    let table = sql::qualified(&t.namespace, &t.name);
    let key: Vec<&Column> = t.primary_key.iter().flat_map(|pk| &pk.columns).filter_map(|k| t.column(&k.name)).collect();
    let key_cond = condition(&key);
    let soft_delete = t.soft_delete.as_ref().map(|sd| ident(&sd.name).into_owned());
    let live = |prefix: &str| soft_delete.as_ref().map(|sd| format!(" {prefix} {sd} IS NULL")).unwrap_or_default();
    writeln!(out, "\nimpl strata::Table for {row} {{").unwrap();
    writeln!(out, "    const TABLE: &'static str = {:?};", table).unwrap();
    writeln!(out, "    const COLUMNS: &'static str = {:?};", select_list(t, schema)).unwrap();
    writeln!(out, "    const KEY: &'static str = {key_cond:?};").unwrap();
    if let Some(sd) = &soft_delete {
        writeln!(out, "    const SOFT_DELETE: Option<&'static str> = Some({sd:?});").unwrap();
    }
    if t.rls.as_ref().is_some_and(|r| r.enabled) {
        writeln!(out, "    const ROW_SECURITY: bool = true;").unwrap();
    }
    if let Some((rls, column)) = t.rls.as_ref().and_then(|r| Some((r, t.column(&r.tenant.as_ref()?.name)?))) {
        writeln!(
            out,
            "    const TENANT: Option<strata::tenancy::Tenant> = Some(strata::tenancy::Tenant {{ column: {:?}, sql_type: {:?}, setting: {:?} }});",
            ident(&column.name).as_ref(),
            schema.sql_type(&column.ty),
            rls.setting
        )
        .unwrap();
    }
    let owned = field_constraints(t);
    if !owned.is_empty() {
        let pairs: Vec<String> = owned.iter().map(|(c, f)| format!("({c:?}, {f:?})")).collect();
        writeln!(out, "    const CONSTRAINTS: &'static [(&'static str, &'static str)] = &[{}];", pairs.join(", "))
            .unwrap();
    }
    let keys = unique_keys(t);
    let upsertable = upsert_keys(t, &keys, inserted);
    let literals: Vec<String> = upsertable.iter().map(|(k, p)| key_literal(k, *p)).collect();
    if !literals.is_empty() {
        writeln!(out, "    const KEYS: &'static [strata::Key] = &[{}];", literals.join(", ")).unwrap();
    }
    writeln!(out, "    type New = {new};\n    type Patch = {patch};\n").unwrap();
    writeln!(out, "    fn from_row(row: &postgres::Row) -> Result<Self, postgres::Error> {{\n        Ok({row} {{")
        .unwrap();
    for (i, c) in t.columns.iter().enumerate() {
        writeln!(out, "            {}: row.try_get({i})?,", field(&c.name)).unwrap();
    }
    writeln!(out, "        }})\n    }}\n").unwrap();
    let key_fields: Vec<String> = key.iter().map(|c| format!("(&self.{}).into()", field(&c.name))).collect();
    writeln!(out, "    fn key(&self) -> Vec<strata::Param<'_>> {{\n        vec![{}]\n    }}\n", key_fields.join(", "))
        .unwrap();
    let copied = |c: &Column| {
        let f = field(&c.name);
        if is_copy(&c.ty, schema) { format!("self.{f}") } else { format!("self.{f}.clone()") }
    };
    writeln!(out, "    fn to_new(&self) -> {new} {{\n        {new} {{").unwrap();
    for c in inserted {
        let value = copied(c);
        let value = if c.has_default() && !c.nullable { format!("Some({value})") } else { value };
        writeln!(out, "            {}: {value},", field(&c.name)).unwrap();
    }
    writeln!(out, "        }}\n    }}\n").unwrap();
    writeln!(out, "    fn to_patch(&self) -> {patch} {{\n        {patch} {{").unwrap();
    for c in patched {
        writeln!(out, "            {}: Some({}),", field(&c.name), copied(c)).unwrap();
    }
    writeln!(out, "        }}\n    }}\n").unwrap();
    let bind = |c: &Column, value: &str| match carrier(&c.ty, schema) {
        Some(carrier) => format!(
            "columns.set_as({:?}, {:?}, {value})",
            ident(&c.name).as_ref(),
            format!("::{carrier}::{}", schema.sql_type(&c.ty))
        ),
        None => format!("columns.set({:?}, {value})", ident(&c.name).as_ref()),
    };
    writeln!(out, "    fn bind_new<'a>(new: &'a {new}, columns: &mut strata::Columns<'a>) {{").unwrap();
    for c in inserted {
        let f = field(&c.name);
        if c.has_default() {
            writeln!(out, "        if let Some(value) = &new.{f} {{\n            {};\n        }}", bind(c, "value"))
                .unwrap();
        } else {
            writeln!(out, "        {};", bind(c, &format!("&new.{f}"))).unwrap();
        }
    }
    writeln!(out, "    }}\n").unwrap();
    let name = if patched.is_empty() { "_patch" } else { "patch" };
    let columns = if patched.is_empty() { "_columns" } else { "columns" };
    writeln!(out, "    fn bind_patch<'a>({name}: &'a {patch}, {columns}: &mut strata::Columns<'a>) {{").unwrap();
    for c in patched {
        writeln!(
            out,
            "        if let Some(value) = &patch.{} {{\n            {};\n        }}",
            field(&c.name),
            bind(c, "value")
        )
        .unwrap();
    }
    writeln!(out, "    }}\n}}").unwrap();

    writeln!(out, "\nimpl {row} {{").unwrap();
    writeln!(
        out,
        "    /// Inserts `new` (validated first) and returns the stored row.\n    \
         pub fn insert<'a, D: strata::Db>(db: &'a mut D, new: &'a {new}) -> D::Out<'a, {row}> {{\n        \
         db.run(strata::table::insert::<Self>(new))\n    }}\n\n    \
         /// Inserts every row of `rows` (each validated first) in one transaction, all or nothing; returns how many.\n    \
         pub fn insert_many<'a, D: strata::Db>(db: &'a mut D, rows: &'a [{new}]) -> D::Out<'a, u64> {{\n        \
         db.run(strata::table::insert_many::<Self>(rows))\n    }}"
    )
    .unwrap();
    if !key.is_empty() {
        let args: Vec<String> =
            key.iter().map(|c| format!("{}: &'a {}", field(&c.name), borrowed_type(&c.ty, schema))).collect();
        let params: Vec<String> = key.iter().map(|c| format!("{}.into()", field(&c.name))).collect();
        let (args, params) = (args.join(", "), params.join(", "));
        let hidden = if soft_delete.is_some() { " (and not soft-deleted)" } else { "" };
        writeln!(
            out,
            "\n    /// The row with this primary key, if any{hidden}.\n    \
             pub fn get<'a, D: strata::Db>(db: &'a mut D, {args}) -> D::Out<'a, Option<{row}>> {{\n        \
             db.run(strata::table::get::<Self>(vec![{params}]))\n    }}\n\n    \
             /// Sets the patch's fields (validated first) on the row with this primary key; returns the row.\n    \
             pub fn update<'a, D: strata::Db>(db: &'a mut D, {args}, patch: &'a {patch}) -> D::Out<'a, Option<{row}>> {{\n        \
             db.run(strata::table::update::<Self>(vec![{params}], patch))\n    }}\n\n    \
             /// Deletes the row with this primary key; returns how many rows went (0 or 1).\n    \
             pub fn delete<'a, D: strata::Db>(db: &'a mut D, {args}) -> D::Out<'a, u64> {{\n        \
             db.run(strata::table::delete::<Self>(vec![{params}]))\n    }}"
        )
        .unwrap();
        if let Some(sd) = &t.soft_delete {
            writeln!(
                out,
                "\n    /// Marks the row deleted (`{0}` = now()); returns whether a live row was marked.\n    \
                 pub fn soft_delete<'a, D: strata::Db>(db: &'a mut D, {args}) -> D::Out<'a, bool> {{\n        \
                 db.run(strata::table::mark_deleted::<Self>(vec![{params}], true))\n    }}\n\n    \
                 /// Makes a soft-deleted row live again (`{0}` = NULL); returns whether a row was restored.\n    \
                 pub fn restore<'a, D: strata::Db>(db: &'a mut D, {args}) -> D::Out<'a, bool> {{\n        \
                 db.run(strata::table::mark_deleted::<Self>(vec![{params}], false))\n    }}",
                sd.name
            )
            .unwrap();
        }
        // list by each single-column foreign key, in primary-key order, after a key (keyset pagination)
        if let [key] = key.as_slice() {
            let mut seen = Vec::new();
            for fk in t.foreign_keys.iter().filter(|fk| fk.columns.len() == 1) {
                let Some(fc) = t.column(&fk.columns[0].name) else { continue };
                if seen.contains(&fc.name) {
                    continue;
                }
                seen.push(fc.name.clone());
                let list = format!(
                    "SELECT {} FROM {table} WHERE {} = $1 AND ($2::{} IS NULL OR {} > $2){} ORDER BY {} LIMIT $3",
                    select_list(t, schema),
                    ident(&fc.name),
                    schema.sql_type(&key.ty),
                    ident(&key.name),
                    live("AND"),
                    ident(&key.name)
                );
                writeln!(
                    out,
                    "\n    /// Rows whose `{0}` is `value`{1}, in primary-key order after `after`, at most `limit`.\n    \
                     pub fn list_by_{2}<'a, D: strata::Db>(db: &'a mut D, value: &'a {3}, after: Option<&'a {4}>, limit: i64) -> D::Out<'a, Vec<{row}>> {{\n        \
                     db.run(strata::table::all::<Self>({list:?}, vec![value.into(), after.into(), limit.into()]))\n    }}",
                    fc.name,
                    if soft_delete.is_some() { " (soft-deleted rows left out)" } else { "" },
                    field(&fc.name).trim_start_matches("r#"),
                    borrowed_type(&fc.ty, schema),
                    borrowed_type(&key.ty, schema),
                )
                .unwrap();
            }
        }
    }
    // the tenant helper of a table with the tenant shorthand
    if let Some((rls, tenant)) = t.rls.as_ref().and_then(|r| Some((r, r.tenant.as_ref()?))) {
        let ty = t.column(&tenant.name).map_or("uuid::Uuid".into(), |c| rust_type(&c.ty, schema));
        writeln!(
            out,
            "\n    /// The setting the `tenant_isolation` policy reads.\n    pub const TENANT_SETTING: &'static str = {:?};\n\n    \
             /// Runs `f` in a transaction scoped to `tenant`: the policy then shows and accepts only its rows.\n    \
             pub fn in_tenant<C: strata::Conn, T>(db: &mut C, tenant: &{ty}, f: impl FnOnce(&mut C::Tx<'_>) -> Result<T, strata::Error>) -> Result<T, strata::Error> {{\n        \
             strata::with_setting(db, Self::TENANT_SETTING, &tenant.to_string(), f)\n    }}",
            rls.setting
        )
        .unwrap();
    }
    // count, and a finder for each unique key
    writeln!(
        out,
        "\n    /// How many rows there are{}.\n    pub fn count<D: strata::Db>(db: &mut D) -> D::Out<'_, i64> {{\n        \
         db.run(strata::table::count::<Self>())\n    }}",
        if soft_delete.is_some() { " (soft-deleted rows left out)" } else { "" },
    )
    .unwrap();
    let mut done: Vec<Vec<&str>> = Vec::new();
    for (i, (key, predicate)) in upsertable.iter().enumerate() {
        let name: Vec<String> = key.iter().map(|k| field(k).trim_start_matches("r#").to_string()).collect();
        let among = predicate.map(|p| format!(" (among rows where `{}`)", doc_line(p))).unwrap_or_default();
        writeln!(
            out,
            "\n    /// Inserts `new` (validated first) or, where a row already has its `{}`{among}, sets that row's other columns to `new`'s; returns the row.\n    \
             pub fn upsert_by_{}<'a, D: strata::Db>(db: &'a mut D, new: &'a {new}) -> D::Out<'a, {row}> {{\n        \
             db.run(strata::table::upsert::<Self>(new, &<Self as strata::Table>::KEYS[{i}]))\n    }}",
            key.join(", "),
            name.join("_and_"),
        )
        .unwrap();
    }
    for (key, predicate, _) in keys {
        if done.contains(&key) {
            continue;
        }
        done.push(key.clone());
        let cols: Vec<&Column> = key.iter().filter_map(|k| t.column(k)).collect();
        // NULL never equals NULL: a key with nullable columns is found by its non-null values only.
        let args: Vec<String> =
            cols.iter().map(|c| format!("{}: &'a {}", field(&c.name), borrowed_type(&c.ty, schema))).collect();
        let params: Vec<String> = cols.iter().map(|c| format!("{}.into()", field(&c.name))).collect();
        let name: Vec<String> = cols.iter().map(|c| field(&c.name).trim_start_matches("r#").to_string()).collect();
        // The predicate is SQL (written into a Rust string literal): as declared, not as a doc line.
        let only = predicate.map(|p| format!(" AND ({p})")).unwrap_or_default();
        let find =
            format!("SELECT {} FROM {table} WHERE {}{only}{}", select_list(t, schema), condition(&cols), live("AND"));
        let key = match predicate {
            Some(p) => format!("{}` among rows where `{}", key.join(", "), doc_line(p)),
            None => key.join(", "),
        };
        writeln!(
            out,
            "\n    /// The row with this `{}, if any.\n    \
             pub fn find_by_{}<'a, D: strata::Db>(db: &'a mut D, {}) -> D::Out<'a, Option<{row}>> {{\n        \
             db.run(strata::table::opt::<Self>({find:?}, vec![{}]))\n    }}",
            key + if soft_delete.is_some() { "` (and not soft-deleted)" } else { "`" },
            name.join("_and_"),
            args.join(", "),
            params.join(", ")
        )
        .unwrap();
    }
    writeln!(out, "}}").unwrap();
}

/// The table's unique keys, then its unique indexes on columns (a partial one with its predicate),
/// the keys without a predicate first; each says whether it can decide an `ON CONFLICT` (a
/// deferrable key cannot).
fn unique_keys(t: &Table) -> Vec<(Vec<&str>, Option<&str>, bool)> {
    let mut keys: Vec<(Vec<&str>, Option<&str>, bool)> = t
        .uniques
        .iter()
        .map(|u| (u.columns.iter().map(|c| c.name.as_str()).collect(), None, u.deferrable == Deferrable::No))
        .collect();
    for i in t.indexes.iter().filter(|i| i.unique) {
        let cols: Option<Vec<&str>> = i
            .keys
            .iter()
            .map(|k| match &k.target {
                crate::model::IndexTarget::Column(c) => Some(c.name.as_str()),
                crate::model::IndexTarget::Expr(_) => None,
            })
            .collect();
        keys.extend(cols.map(|c| (c, i.predicate.as_ref().map(|p| p.sql.as_str()), true)));
    }
    // A key without a predicate finds every row the partial one does: it wins the name.
    keys.sort_by_key(|(_, predicate, _)| predicate.is_some());
    keys
}

/// The keys a row can be upserted on (`Table::KEYS`, one `upsert_by_<key>` each): the primary
/// key, then each unique key that can decide an `ON CONFLICT`, each set of columns once; only
/// keys an insert can set every column of (not an identity `ALWAYS` or generated column).
fn upsert_keys<'t>(
    t: &'t Table,
    unique: &[(Vec<&'t str>, Option<&'t str>, bool)],
    inserted: &[&Column],
) -> Vec<(Vec<&'t str>, Option<&'t str>)> {
    let mut keys: Vec<(Vec<&str>, Option<&str>)> = Vec::new();
    if let Some(pk) = &t.primary_key {
        keys.push((pk.columns.iter().map(|c| c.name.as_str()).collect(), None));
    }
    for (key, predicate, arbiter) in unique {
        if *arbiter && !keys.iter().any(|(k, _)| k == key) {
            keys.push((key.clone(), *predicate));
        }
    }
    keys.retain(|(key, _)| key.iter().all(|k| inserted.iter().any(|c| c.name == *k)));
    keys
}

/// `strata::Key { target: "(a, b) WHERE (p)", columns: &["a", "b"] }`: a key as the upsert
/// query takes it, the columns quoted for SQL.
fn key_literal(key: &[&str], predicate: Option<&str>) -> String {
    let quoted: Vec<String> = key.iter().map(|k| ident(k).into_owned()).collect();
    let only = predicate.map(|p| format!(" WHERE ({p})")).unwrap_or_default();
    let target = format!("({}){only}", quoted.join(", "));
    format!("strata::Key {{ target: {target:?}, columns: &{quoted:?} }}")
}
