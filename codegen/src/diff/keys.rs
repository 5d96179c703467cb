//! What each plan step makes, as PostgreSQL names it: the identity the differ matches old and
//! new steps by, and what dropping another object takes along with it.

use crate::model::{GrantOn, QName, Schema};
use crate::plan::Step;
use crate::render::sql::step_sql;
use crate::sql::{ident, qualified};

/// An object's identity: its kind and its name as SQL writes it (`INDEX`, `archive.runs_idx`;
/// `CONSTRAINT`, `runs_pkey ON archive.runs`), so that a comment's target is its object's key.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Key {
    pub kind: &'static str,
    pub name: String,
}

impl Key {
    fn new(kind: &'static str, name: impl Into<String>) -> Key {
        Key { kind, name: name.into() }
    }

    pub fn table(q: &QName) -> Key {
        Key::new("TABLE", qualified(&q.namespace, &q.name))
    }

    /// A constraint of the relation `on`.
    pub fn constraint(name: &str, on: &QName) -> Key {
        Key::new("CONSTRAINT", format!("{} ON {}", ident(name), qualified(&on.namespace, &on.name)))
    }

    /// A column of the table `on`.
    pub fn column(name: &str, on: &QName) -> Key {
        Key::new("COLUMN", format!("{}.{}", qualified(&on.namespace, &on.name), ident(name)))
    }
}

/// The object a step makes or sets; none for the search path, which is not an object.
pub fn key(schema: &Schema, step: &Step<'_>) -> Option<Key> {
    let on = |name: &str, on: &QName| format!("{} ON {}", ident(name), qualified(&on.namespace, &on.name));
    Some(match step {
        Step::SetSearchPath(_) | Step::UncheckedBodies => return None,
        Step::CreateRole(r) => Key::new("ROLE", ident(&r.name)),
        Step::GrantMembership(r) => Key::new("MEMBERSHIP", ident(&r.name)),
        Step::CreateNamespace(n) => Key::new("SCHEMA", ident(&n.name)),
        Step::AlterNamespaceOwner { namespace, .. } => Key::new("SCHEMA OWNER", ident(&namespace.name)),
        Step::CreateExtension(e) => Key::new("EXTENSION", ident(&e.name)),
        Step::CreateEnum(e) => Key::new("TYPE", qualified(&e.namespace, &e.name)),
        Step::CreateDomain(d) => Key::new("TYPE", qualified(&d.namespace, &d.name)),
        Step::CreateComposite(c) => Key::new("TYPE", qualified(&c.namespace, &c.name)),
        Step::CreateRange(r) => Key::new("TYPE", qualified(&r.namespace, &r.name)),
        Step::CreateAggregate(a) => Key::new("AGGREGATE", a.signature()),
        Step::CreateSequence(s) => Key::new("SEQUENCE", qualified(&s.namespace, &s.name)),
        Step::SetSequenceOwner { sequence, .. } => {
            Key::new("SEQUENCE OWNER", qualified(&sequence.namespace, &sequence.name))
        }
        Step::CreateTable { table, .. } => Key::table(&table.qname()),
        Step::CreatePartition { partition, .. } => Key::table(&partition.qname()),
        Step::AddForeignKey { on, fk } => Key::constraint(&fk.name, on),
        Step::AddCheck { on, check } => Key::constraint(&check.name, on),
        Step::CreatePartitionIndex { on, name, .. } => Key::new("INDEX", qualified(&on.namespace, name)),
        Step::CreateIndex { on, index } => Key::new("INDEX", qualified(&on.namespace, &index.name)),
        Step::SetReplicaIdentity { table, .. } => {
            Key::new("REPLICA IDENTITY", qualified(&table.namespace, &table.name))
        }
        Step::CreateFunction(f) => Key::new(f.kind(), f.signature()),
        Step::CreateView(v) => {
            Key::new(if v.materialized { "MATERIALIZED VIEW" } else { "VIEW" }, qualified(&v.namespace, &v.name))
        }
        Step::CreateTrigger { on: rel, trigger } => Key::new("TRIGGER", on(&trigger.name, rel)),
        Step::DisableTrigger { on: rel, trigger } => Key::new("TRIGGER DISABLED", on(&trigger.name, rel)),
        Step::InsertRows { table } => Key::new("ROWS", qualified(&table.namespace, &table.name)),
        Step::PartitionUpkeep { table } => Key::new("UPKEEP", qualified(&table.namespace, &table.name)),
        Step::EnableRls { table, force } => Key::new(
            if *force { "FORCE ROW LEVEL SECURITY" } else { "ROW LEVEL SECURITY" },
            qualified(&table.namespace, &table.name),
        ),
        Step::CreatePolicy { table, policy } => Key::new("POLICY", on(&policy.name, &table.qname())),
        // Grants have no name: the statement is their identity.
        Step::Grant(_) => Key::new("GRANT", step_sql(schema, step)),
        Step::DefaultPrivileges(_) => Key::new("DEFAULT PRIVILEGES", step_sql(schema, step)),
        Step::Comment { table, column: None, .. } => {
            Key::new("COMMENT", format!("TABLE {}", qualified(&table.namespace, &table.name)))
        }
        Step::Comment { table, column: Some(c), .. } => {
            Key::new("COMMENT", format!("COLUMN {}.{}", qualified(&table.namespace, &table.name), ident(c)))
        }
        Step::CommentOn { kind, target, .. } => Key::new("COMMENT", format!("{kind} {target}")),
    })
}

/// The objects whose drop takes this step's work along (a table its indexes and comments, an
/// index its comment): when one goes, this goes too, and says nothing of its own if it needs
/// no statement to be undone.
pub fn containers(step: &Step<'_>) -> Vec<Key> {
    let relation = |q: &QName| {
        let name = qualified(&q.namespace, &q.name);
        ["TABLE", "VIEW", "MATERIALIZED VIEW"].map(|kind| Key::new(kind, name.clone())).to_vec()
    };
    match step {
        Step::AlterNamespaceOwner { namespace, .. } => vec![Key::new("SCHEMA", ident(&namespace.name))],
        Step::AddCheck { on, .. }
        | Step::AddForeignKey { on, .. }
        | Step::CreatePartitionIndex { on, .. }
        | Step::CreateIndex { on, .. }
        | Step::CreateTrigger { on, .. } => relation(on),
        Step::CreatePolicy { table, .. } => vec![Key::table(&table.qname())],
        Step::CreatePartition { table, .. }
        | Step::SetReplicaIdentity { table, .. }
        | Step::InsertRows { table }
        | Step::PartitionUpkeep { table }
        | Step::EnableRls { table, .. }
        | Step::Comment { table, column: None, .. } => vec![Key::table(&table.qname())],
        Step::Comment { table, column: Some(c), .. } => {
            vec![Key::table(&table.qname()), Key::column(c, &table.qname())]
        }
        Step::DisableTrigger { on: rel, trigger } => {
            let mut keys = relation(rel);
            keys.push(Key::new(
                "TRIGGER",
                format!("{} ON {}", ident(&trigger.name), qualified(&rel.namespace, &rel.name)),
            ));
            keys
        }
        Step::CommentOn { kind, target, .. } => {
            let kind = match *kind {
                "DOMAIN" => "TYPE",
                k => k,
            };
            let mut keys = vec![Key::new(kind, target.clone())];
            if let Some((_, rel)) = target.split_once(" ON ") {
                keys.extend(["TABLE", "VIEW", "MATERIALIZED VIEW"].map(|k| Key::new(k, rel.to_string())));
            }
            keys
        }
        // A grant on named objects goes with them (and is given again when they are made again).
        Step::Grant(g) => {
            let named = |kinds: &[&'static str], refs: &[crate::model::Ref]| -> Vec<Key> {
                let names = refs.iter().map(|r| qualified(&r.namespace, &r.name));
                names.flat_map(|n| kinds.iter().map(move |k| Key::new(k, n.clone()))).collect()
            };
            match &g.on {
                GrantOn::Tables(refs) => named(&["TABLE", "VIEW", "MATERIALIZED VIEW"], refs),
                GrantOn::Sequences(refs) => named(&["SEQUENCE"], refs),
                GrantOn::Types(refs) => named(&["TYPE"], refs),
                GrantOn::Schema(n) => vec![Key::new("SCHEMA", ident(n))],
                _ => Vec::new(),
            }
        }
        // Each of these stands on its own: contained by nothing the differ drops.
        Step::SetSearchPath(_)
        | Step::UncheckedBodies
        | Step::CreateExtension(_)
        | Step::CreateRole(_)
        | Step::GrantMembership(_)
        | Step::CreateNamespace(_)
        | Step::CreateEnum(_)
        | Step::CreateDomain(_)
        | Step::CreateComposite(_)
        | Step::CreateRange(_)
        | Step::CreateSequence(_)
        | Step::SetSequenceOwner { .. }
        | Step::CreateTable { .. }
        | Step::CreateFunction(_)
        | Step::CreateAggregate(_)
        | Step::CreateView(_)
        | Step::DefaultPrivileges(_) => Vec::new(),
    }
}

/// What a step is rebuilt after, beyond its containers: the relations a view reads, a
/// policy's table, a trigger's function. (A view cannot outlive a column it reads, so it is
/// dropped first and created again.)
pub fn dependencies(schema: &Schema, step: &Step<'_>) -> Vec<Key> {
    let keys_of = |reads: Vec<String>| -> Vec<Key> {
        reads
            .iter()
            .flat_map(|r| {
                let q = QName::parse(r, &schema.namespace);
                let name = qualified(&q.namespace, &q.name);
                ["TABLE", "VIEW", "MATERIALIZED VIEW"].map(|k| Key::new(k, name.clone()))
            })
            .collect()
    };
    match step {
        Step::CreateView(v) => keys_of(crate::sql::deps::relations(&v.query.sql).unwrap_or_default()),
        Step::CreatePolicy { table, policy } => {
            let mut keys = vec![Key::table(&table.qname())];
            for e in policy.using.iter().chain(&policy.with_check) {
                // Its kept parse; else as a query, which reads more than one expression parses.
                let reads = e.ast().map(crate::sql::deps::relations_in);
                keys.extend(keys_of(
                    reads.or_else(|| crate::sql::deps::relations(&format!("SELECT {}", e.sql))).unwrap_or_default(),
                ));
            }
            keys
        }
        Step::CreateTrigger { trigger, .. } => {
            let f = &trigger.function;
            vec![Key::new("FUNCTION", format!("{}()", qualified(&f.namespace, &f.name)))]
        }
        // Rebuilt only with their containers, or (types, functions, tables) compared by what
        // they render, which names what they are built on.
        Step::SetSearchPath(_)
        | Step::UncheckedBodies
        | Step::CreateExtension(_)
        | Step::CreateRole(_)
        | Step::GrantMembership(_)
        | Step::CreateNamespace(_)
        | Step::AlterNamespaceOwner { .. }
        | Step::CreateEnum(_)
        | Step::CreateDomain(_)
        | Step::CreateComposite(_)
        | Step::CreateRange(_)
        | Step::CreateSequence(_)
        | Step::SetSequenceOwner { .. }
        | Step::CreateTable { .. }
        | Step::CreatePartition { .. }
        | Step::AddForeignKey { .. }
        | Step::AddCheck { .. }
        | Step::CreatePartitionIndex { .. }
        | Step::CreateIndex { .. }
        | Step::CreateFunction(_)
        | Step::CreateAggregate(_)
        | Step::SetReplicaIdentity { .. }
        | Step::DisableTrigger { .. }
        | Step::PartitionUpkeep { .. }
        | Step::EnableRls { .. }
        | Step::Grant(_)
        | Step::DefaultPrivileges(_)
        | Step::Comment { .. }
        | Step::CommentOn { .. }
        | Step::InsertRows { .. } => Vec::new(),
    }
}
