//! Rows of roles, privileges, default privileges and policies.

use super::*;

pub(super) fn role(r: &Row) -> Role {
    Role {
        name: r.text(0),
        login: r.flag(1),
        inherit: r.flag(2),
        member_of: r.named(3),
        doc: r.opt(4),
        span: Span::default(),
    }
}

/// One grant per object, grantee and grant option (`privileges.sql` rows come in that order),
/// and a revoke from PUBLIC where its default EXECUTE or USAGE no longer holds.
pub(super) fn grants(rows: &[Row]) -> Vec<Grant> {
    let mut out: Vec<Grant> = Vec::new();
    for r in rows {
        let span = Span::default();
        let object = Ref { namespace: r.text(1), name: r.text(2), span };
        let on = match r.text(0).as_str() {
            "r" => GrantOn::Tables(vec![object]),
            "S" => GrantOn::Sequences(vec![object]),
            "f" => GrantOn::Functions(vec![object]),
            "T" => GrantOn::Types(vec![object]),
            _ => GrantOn::Schema(r.text(1)),
        };
        let grant = Grant {
            revoke: r.text(6) == "revoked",
            privileges: vec![r.text(5)],
            on,
            columns: named(r.opt(3)).into_iter().collect(),
            to: vec![Named { name: r.text(4), span }],
            with_grant_option: r.flag(6),
            span,
        };
        match out.last_mut() {
            Some(last) if Grant { privileges: last.privileges.clone(), ..grant.clone() } == *last => {
                last.privileges.extend(grant.privileges)
            }
            _ => out.push(grant),
        }
    }
    out
}

/// Default privileges (`default_privileges.sql`), one entry per role, namespace, kind, grantee
/// and grant option.
pub(super) fn default_privileges(rows: &[Row]) -> Vec<DefaultPrivileges> {
    let mut out: Vec<DefaultPrivileges> = Vec::new();
    for r in rows {
        let on = match r.text(2).as_str() {
            "r" => "TABLES",
            "S" => "SEQUENCES",
            "f" => "FUNCTIONS",
            "T" => "TYPES",
            _ => "SCHEMAS",
        };
        let entry = DefaultPrivileges {
            for_role: named(r.opt(0)),
            namespace: r.opt(1),
            revoke: r.text(5) == "revoked",
            privileges: vec![r.text(4)],
            on: on.to_string(),
            to: vec![Named { name: r.text(3), span: Span::default() }],
            with_grant_option: r.flag(5),
            span: Span::default(),
        };
        match out.last_mut() {
            Some(last) if DefaultPrivileges { privileges: last.privileges.clone(), ..entry.clone() } == *last => {
                last.privileges.extend(entry.privileges)
            }
            _ => out.push(entry),
        }
    }
    out
}

pub(super) fn policy(r: &Row) -> Policy {
    let command = match r.text(4).as_str() {
        "r" => PolicyCommand::Select,
        "a" => PolicyCommand::Insert,
        "w" => PolicyCommand::Update,
        "d" => PolicyCommand::Delete,
        _ => PolicyCommand::All,
    };
    // A policy for PUBLIC names no role.
    let to = r.named(5).into_iter().filter(|n| n.name != "public").collect();
    Policy {
        name: r.text(2),
        permissive: r.flag(3),
        command,
        to,
        using: r.opt(6).map(expr),
        with_check: r.opt(7).map(expr),
        doc: r.opt(8),
        span: Span::default(),
    }
}
