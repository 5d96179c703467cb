//! Roles, grants, row-level security and policies (and the tenant shorthand's policy).

use super::*;

pub(super) const ROLE_KEYS: &[&str] = &["login", "inherit", "member_of", "doc"];
pub(super) const GRANT_KEYS: &[&str] = &[
    "privileges",
    "on",
    "namespace",
    "tables",
    "sequences",
    "functions",
    "types",
    "columns",
    "to",
    "with_grant_option",
];
pub(super) const REVOKE_KEYS: &[&str] =
    &["privileges", "on", "namespace", "tables", "sequences", "functions", "types", "columns", "from"];
pub(super) const RLS_KEYS: &[&str] = &["enabled", "force", "tenant", "setting", "to"];
pub(super) const POLICY_KEYS: &[&str] = &["name", "as", "for", "to", "using", "with_check", "doc"];
pub(super) fn lower_role(w: &mut Walker, d: &Decl) -> Option<Role> {
    let t = w.table("role", d.value)?;
    let f = w.fields(t, ROLE_KEYS);
    Some(Role {
        name: d.name.clone(),
        login: f.get("login").and_then(|v| w.boolean("login", v)).unwrap_or(false),
        inherit: f.get("inherit").and_then(|v| w.boolean("inherit", v)).unwrap_or(true),
        member_of: f.get("member_of").and_then(|v| w.strings("member_of", v)).unwrap_or_default(),
        doc: f.get("doc").and_then(|v| w.string("doc", v)),
        span: d.span,
    })
}

/// A grant target of a namespace (`GrantOn::Schema`, `GrantOn::AllTables`, ...).
type InNamespace = fn(String) -> GrantOn;

/// What `on` may say; all but `tables` take the namespace of the `namespace` key.
pub(super) const GRANT_TARGETS: [(&str, Option<InNamespace>); 5] = [
    ("schema", Some(GrantOn::Schema)),
    ("all tables", Some(GrantOn::AllTables)),
    ("all sequences", Some(GrantOn::AllSequences)),
    ("all functions", Some(GrantOn::AllFunctions)),
    ("tables", None),
];

/// A grant target of named objects (`GrantOn::Tables`, ...).
type Listed = fn(Vec<Ref>) -> GrantOn;

/// The keys naming a grant's objects one by one, instead of `on`, and what each becomes.
const GRANT_LISTS: [(&str, Listed); 4] = [
    ("tables", GrantOn::Tables),
    ("sequences", GrantOn::Sequences),
    ("functions", GrantOn::Functions),
    ("types", GrantOn::Types),
];

/// `[[grants]]` (`revoke` false, roles in `to`) or `[[revokes]]` (roles in `from`).
pub(super) fn lower_grant(w: &mut Walker, item: &Value, revoke: bool) -> Option<Grant> {
    let (section, within, roles_key) =
        if revoke { ("revokes", "a revoke", "from") } else { ("grants", "a grant", "to") };
    let t = w.table(section, item)?;
    let f = w.fields(t, if revoke { REVOKE_KEYS } else { GRANT_KEYS });
    let privileges = require(w, &f.get("privileges"), "privileges", within, item)?;
    let privileges: Vec<String> =
        w.strings("privileges", privileges)?.into_iter().map(|p| p.name.to_ascii_uppercase()).collect();
    // Empty when not given: lowering resolves it to the default namespace.
    let namespace = f.get("namespace").and_then(|v| w.string("namespace", v)).unwrap_or_default();
    let listed = GRANT_LISTS.iter().find_map(|(key, make)| Some((*key, *make, f.get(key)?)));
    let on = match (f.get("on"), listed) {
        (_, Some((key, make, list))) => {
            let list = w.array(key, list)?;
            // A signature's types may hold dots: the namespace is looked for before `(`.
            let parse = |text: String, span| match text.split_once('(') {
                Some((head, args)) => {
                    let r = Ref::parse(head, span);
                    Ref { name: format!("{}({args}", r.name), ..r }
                }
                None => Ref::parse(&text, span),
            };
            make(list.iter().filter_map(|v| Some(parse(w.string(key, v)?, w.span(v)))).collect())
        }
        (Some(on), None) => {
            let choices: Vec<(&str, usize)> = GRANT_TARGETS.iter().enumerate().map(|(i, (n, _))| (*n, i)).collect();
            let i = w.choice("on", on, &choices)?;
            GRANT_TARGETS[i].1?(namespace)
        }
        (None, None) => {
            let what = format!("{within} (or list `tables`, `sequences`, `functions` or `types`)");
            w.report(Diagnostic::missing_key("on", &what, w.span(item)));
            return None;
        }
    };
    let roles = require(w, &f.get(roles_key), roles_key, within, item)?;
    Some(Grant {
        revoke,
        privileges,
        on,
        columns: f.get("columns").and_then(|v| w.strings("columns", v)).unwrap_or_default(),
        to: w.strings(roles_key, roles)?,
        with_grant_option: w.flag(&f, "with_grant_option"),
        span: w.span(item),
    })
}

pub(super) const DEFAULT_PRIVILEGE_KEYS: &[&str] =
    &["for_role", "namespace", "privileges", "on", "to", "from", "with_grant_option"];
const DEFAULT_ON: [(&str, &str); 5] = [
    ("tables", "TABLES"),
    ("sequences", "SEQUENCES"),
    ("functions", "FUNCTIONS"),
    ("types", "TYPES"),
    ("schemas", "SCHEMAS"),
];

/// `[[default_privileges]]`: granted `to` roles, or revoked `from` them.
pub(super) fn lower_default_privileges(w: &mut Walker, item: &Value) -> Option<DefaultPrivileges> {
    let t = w.table("default_privileges", item)?;
    let f = w.fields(t, DEFAULT_PRIVILEGE_KEYS);
    let within = "default privileges";
    let privileges = require(w, &f.get("privileges"), "privileges", within, item)?;
    let privileges: Vec<String> =
        w.strings("privileges", privileges)?.into_iter().map(|p| p.name.to_ascii_uppercase()).collect();
    let on = require(w, &f.get("on"), "on", within, item)?;
    let on = w.choice("on", on, &DEFAULT_ON)?;
    let (revoke, roles) = match (f.get("to"), f.get("from")) {
        (Some(to), None) => (false, w.strings("to", to)?),
        (None, Some(from)) => (true, w.strings("from", from)?),
        _ => {
            w.report(Diagnostic::missing_key(
                "to",
                "default privileges (give `to` to grant or `from` to revoke)",
                w.span(item),
            ));
            return None;
        }
    };
    Some(DefaultPrivileges {
        for_role: f.get("for_role").and_then(|v| w.named("for_role", v)),
        namespace: f.get("namespace").and_then(|v| w.string("namespace", v)),
        revoke,
        privileges,
        on: on.to_string(),
        to: roles,
        with_grant_option: w.flag(&f, "with_grant_option"),
        span: w.span(item),
    })
}

pub(super) fn lower_rls(w: &mut Walker, v: &Value) -> Option<Rls> {
    let t = w.table("rls", v)?;
    let f = w.fields(t, RLS_KEYS);
    Some(Rls {
        enabled: f.get("enabled").and_then(|x| w.boolean("enabled", x)).unwrap_or(true),
        force: f.get("force").and_then(|x| w.boolean("force", x)).unwrap_or(true),
        tenant: f.get("tenant").and_then(|x| w.named("tenant", x)),
        setting: f.get("setting").and_then(|x| w.string("setting", x)).unwrap_or("app.current_tenant_id".into()),
        tenant_roles: f.get("to").and_then(|x| w.strings("to", x)).unwrap_or_default(),
        span: w.span(v),
    })
}

/// The tenant shorthand's policy: rows are visible and writable only under the current tenant.
/// An unset or empty setting matches nothing, so a connection that forgot to set it sees no rows.
pub(super) fn tenant_policy(table: &Table) -> Option<Policy> {
    let rls = table.rls.as_ref()?;
    let tenant = rls.tenant.as_ref()?;
    let ty = table.column(&tenant.name).map_or("uuid".to_string(), |c| c.ty.to_string());
    let current = format!("NULLIF(current_setting({}, true), '')", crate::sql::literal(&rls.setting));
    let expr = Expr::new(format!("{} = {current}::{ty}", crate::sql::ident(&tenant.name)), tenant.span);
    Some(Policy {
        name: "tenant_isolation".to_string(),
        permissive: true,
        command: PolicyCommand::All,
        to: rls.tenant_roles.clone(),
        using: Some(expr.clone()),
        with_check: Some(expr),
        doc: None,
        span: tenant.span,
    })
}

pub(super) fn lower_policy(w: &mut Walker, item: &Value) -> Option<Policy> {
    let t = w.table("policies", item)?;
    let f = w.fields(t, POLICY_KEYS);
    let name = require(w, &f.get("name"), "name", "a policy", item)?;
    let name = w.string("name", name)?;
    let permissive = match f.get("as") {
        Some(v) => w.choice("as", v, &[("permissive", true), ("restrictive", false)])?,
        None => true,
    };
    let command = match f.get("for") {
        Some(v) => w.choice("for", v, &PolicyCommand::ALL)?,
        None => PolicyCommand::All,
    };
    Some(Policy {
        name,
        permissive,
        command,
        to: f.get("to").and_then(|v| w.strings("to", v)).unwrap_or_default(),
        using: f.get("using").and_then(|v| expr_of(w, "using", v)),
        with_check: f.get("with_check").and_then(|v| expr_of(w, "with_check", v)),
        doc: f.get("doc").and_then(|v| w.string("doc", v)),
        span: w.span(item),
    })
}

/// A role granted INSERT on a table with serial columns also needs USAGE on their sequences,
/// or its first insert fails (`permission denied for sequence ..._seq`): grant it with the table.
pub(super) fn derive_sequence_grants(schema: &mut Schema) {
    // Identity columns need no grant: PostgreSQL numbers them without checking privileges.
    let serial = |t: &Table| {
        t.columns
            .iter()
            .filter(|c| c.identity.is_none())
            .filter_map(|c| c.implicit_sequence(t))
            .map(|q| (q.namespace, q.name))
            .collect::<Vec<_>>()
    };
    let mut derived = Vec::new();
    for g in &schema.grants {
        if g.revoke || !g.privileges.iter().any(|p| p == "INSERT" || p == "ALL") {
            continue;
        }
        let sequences: Vec<(String, String)> = match &g.on {
            GrantOn::AllTables(n) => schema.tables.iter().filter(|t| t.namespace == *n).flat_map(serial).collect(),
            GrantOn::Tables(names) => names.iter().filter_map(|n| schema.table(&n.qname())).flat_map(serial).collect(),
            _ => continue,
        };
        if sequences.is_empty() {
            continue;
        }
        let on = match &g.on {
            GrantOn::AllTables(n) => GrantOn::AllSequences(n.clone()),
            _ => {
                let refs = sequences.into_iter().map(|(namespace, name)| Ref { namespace, name, span: g.span });
                GrantOn::Sequences(refs.collect())
            }
        };
        derived.push(Grant {
            revoke: false,
            privileges: vec!["USAGE".into()],
            on,
            columns: Vec::new(),
            to: g.to.clone(),
            with_grant_option: false,
            span: g.span,
        });
    }
    schema.grants.extend(derived);
}
