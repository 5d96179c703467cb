//! Privileges as facts: what the grants and revokes of a schema leave each object holding, and
//! what its default privileges leave each role's future objects holding. Grants are statements
//! played in order over PostgreSQL's defaults (EXECUTE on routines and USAGE on types for
//! PUBLIC, nothing on relations and namespaces), so a declaration and a catalog read back (one
//! grant per object and grantee, `source::live`) compare by their result. The owner's own
//! privileges are not facts: neither side says them.

use std::collections::{BTreeMap, BTreeSet};

use super::facts::{Fact, routine_name};
use crate::diagnostics::Span;
use crate::model::*;

/// (privilege, grantee) -> grantable.
type Acl = BTreeMap<(String, String), bool>;

/// Each object a grant touched, with the privileges others than its owner hold on it.
pub fn object_privileges(schema: &Schema) -> Vec<Fact> {
    // Object -> its ACL, and the span of the last grant that touched it.
    let mut held: BTreeMap<String, (Acl, Span)> = BTreeMap::new();
    let grants = schema.grants.iter().filter(|g| g.revoke).chain(schema.grants.iter().filter(|g| !g.revoke));
    for g in grants {
        let (kind, objects) = objects(schema, &g.on);
        let kind = if g.columns.is_empty() { kind } else { "column" };
        let objects: Vec<String> = match g.columns.as_slice() {
            [] => objects.into_iter().map(|o| format!("{kind} {o}")).collect(),
            cols => objects.iter().flat_map(|o| cols.iter().map(move |c| format!("column {o}.{}", c.name))).collect(),
        };
        for object in objects {
            let (acl, span) = held.entry(object).or_insert_with(|| {
                let default = match kind {
                    "routine" => BTreeMap::from([(("EXECUTE".into(), "public".into()), false)]),
                    "type" => BTreeMap::from([(("USAGE".into(), "public".into()), false)]),
                    _ => BTreeMap::new(),
                };
                (default, g.span)
            });
            *span = g.span;
            for p in g.privileges.iter().flat_map(|p| expand(p, kind)) {
                for r in &g.to {
                    let key = (p.to_string(), r.name.clone());
                    if g.revoke {
                        acl.remove(&key);
                    } else {
                        *acl.entry(key).or_insert(false) |= g.with_grant_option;
                    }
                }
            }
        }
    }
    held.into_iter()
        .map(|(name, (acl, span))| {
            let grants = acl.into_iter().map(|((p, r), grantable)| grant_text(&p, &r, grantable)).collect();
            Fact { kind: "privileges", name, props: vec![("held", list(grants))], span }
        })
        .collect()
}

/// The objects a grant names, as (their kind, their names), `ALL ... IN SCHEMA` expanded over
/// the schema's objects as PostgreSQL expands it when the grant runs.
fn objects(schema: &Schema, on: &GrantOn) -> (&'static str, Vec<String>) {
    let q = |ns: &str, name: &str| format!("{ns}.{name}");
    let relations_in = |ns: &str| {
        let tables = schema.tables.iter().filter(|t| t.namespace == ns).map(|t| q(&t.namespace, &t.name));
        let parts = schema.tables.iter().flat_map(|t| t.partition.iter().flat_map(|p| &p.partitions));
        let parts = parts.filter(|p| p.namespace == ns).map(|p| q(&p.namespace, &p.name));
        let views = schema.views.iter().filter(|v| v.namespace == ns).map(|v| q(&v.namespace, &v.name));
        tables.chain(parts).chain(views).collect()
    };
    let sequences_in = |ns: &str| {
        let declared = schema.sequences.iter().filter(|s| s.namespace == ns).map(|s| q(&s.namespace, &s.name));
        let implicit =
            schema.tables.iter().filter(|t| t.namespace == ns).flat_map(|t| {
                t.columns.iter().filter_map(|c| c.implicit_sequence(t)).map(|s| q(&s.namespace, &s.name))
            });
        declared.chain(implicit).collect()
    };
    let refs = |r: &[Ref]| r.iter().map(|r| q(&r.namespace, &r.name)).collect();
    match on {
        GrantOn::Schema(ns) => ("namespace", vec![ns.clone()]),
        GrantOn::AllTables(ns) => ("table", relations_in(ns)),
        GrantOn::AllSequences(ns) => ("sequence", sequences_in(ns)),
        GrantOn::AllFunctions(ns) => {
            let fs = schema.functions.iter().filter(|f| f.namespace == *ns && !f.procedure);
            ("routine", fs.map(routine_name).collect())
        }
        GrantOn::Tables(r) => ("table", refs(r)),
        GrantOn::Sequences(r) => ("sequence", refs(r)),
        GrantOn::Functions(r) => {
            let fs = r.iter().flat_map(|r| schema.routines(r));
            ("routine", fs.map(routine_name).collect())
        }
        GrantOn::Types(r) => ("type", refs(r)),
    }
}

/// `ALL` as the privileges it stands for on that kind of object.
fn expand<'a>(privilege: &'a str, kind: &str) -> Vec<&'a str> {
    match (privilege, kind) {
        ("ALL", "table") => vec!["SELECT", "INSERT", "UPDATE", "DELETE", "TRUNCATE", "REFERENCES", "TRIGGER"],
        ("ALL", "column") => vec!["SELECT", "INSERT", "UPDATE", "REFERENCES"],
        ("ALL", "sequence") => vec!["USAGE", "SELECT", "UPDATE"],
        ("ALL", "routine") => vec!["EXECUTE"],
        ("ALL", "namespace") => vec!["USAGE", "CREATE"],
        ("ALL", _) => vec!["USAGE"],
        (p, _) => vec![p],
    }
}

/// What default privileges leave each (role, namespace, kind of object) granting to others, and
/// whether PUBLIC keeps its default EXECUTE on functions and USAGE on types.
pub fn default_privileges(schema: &Schema) -> Vec<Fact> {
    type State = (BTreeSet<String>, bool, Span);
    let mut states: BTreeMap<String, State> = BTreeMap::new();
    for d in &schema.default_privileges {
        let role = d.for_role.as_ref().map_or("the current role", |r| r.name.as_str());
        let namespace = d.namespace.as_deref().unwrap_or("every namespace");
        let name = format!("for {role} in {namespace} on {}", d.on);
        let (granted, public_default, span) = states.entry(name).or_insert((BTreeSet::new(), true, d.span));
        *span = d.span;
        let kind = match d.on.as_str() {
            "TABLES" => "table",
            "SEQUENCES" => "sequence",
            "FUNCTIONS" => "routine",
            "TYPES" => "type",
            _ => "namespace",
        };
        // PostgreSQL's own default, which only defaults for every namespace can take away.
        let default = match kind {
            "routine" if d.namespace.is_none() => Some("EXECUTE"),
            "type" if d.namespace.is_none() => Some("USAGE"),
            _ => None,
        };
        for p in d.privileges.iter().flat_map(|p| expand(p, kind)) {
            for r in &d.to {
                if r.name == "public" && default == Some(p) {
                    *public_default = !d.revoke;
                    continue;
                }
                let (text, grantable) = (grant_text(p, &r.name, false), grant_text(p, &r.name, true));
                if d.revoke {
                    granted.remove(&text);
                    granted.remove(&grantable);
                } else {
                    granted.insert(if d.with_grant_option { grantable } else { text });
                }
            }
        }
    }
    states
        .into_iter()
        .filter(|(_, (granted, public_default, _))| !granted.is_empty() || !public_default)
        .map(|(name, (granted, public_default, span))| {
            let public = if public_default { "kept" } else { "revoked" };
            let props = vec![("granted", list(granted.into_iter().collect())), ("PUBLIC's default", public.into())];
            Fact { kind: "default privileges", name, props, span }
        })
        .collect()
}

fn grant_text(privilege: &str, grantee: &str, grantable: bool) -> String {
    match grantable {
        true => format!("{privilege} to {grantee} WITH GRANT OPTION"),
        false => format!("{privilege} to {grantee}"),
    }
}

fn list(items: Vec<String>) -> String {
    format!("[{}]", items.join(", "))
}
