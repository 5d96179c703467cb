//! Plans: the ordered steps that build a schema, decided here so renderers only print.

mod order;

use std::collections::{BTreeSet, HashMap, HashSet};

use crate::model::{
    Aggregate, Check, ColumnType, Composite, DefaultPrivileges, Domain, Enum, Extension, ForeignKey, Function, Grant,
    Index, Named, Namespace, OwnedBy, PUBLIC, Partition, Policy, QName, RangeType, ReplicaIdentity, Role, Scalar,
    Schema, Sequence, Table, Trigger, View,
};
use crate::sql::{ident, qualified};

/// One step of a plan. Steps are applied in the order of the plan, undone in reverse.
#[derive(Debug, Clone)]
pub enum Step<'s> {
    /// Before anything, when the default namespace is not `public`: unqualified names in
    /// declared SQL (views, policies, checks) then find the default namespace's objects too.
    /// `public` stays first, so what strata writes unqualified (names in `public`, extensions)
    /// is created there.
    SetSearchPath(&'s str),
    /// Before anything, when a function's body reads what needs the function made first (a
    /// table whose default calls it): bodies are then not checked when made (`order`).
    UncheckedBodies,
    /// After namespaces (one may hold it), before everything else: types and tables may use
    /// what an extension provides.
    CreateExtension(&'s Extension),
    /// Roles exist before anything is granted to them or a policy names them.
    CreateRole(&'s Role),
    /// After every role exists, whatever the declaration order.
    GrantMembership(&'s Role),
    /// After roles (its owner), before every object that lives in it.
    CreateNamespace(&'s Namespace),
    /// `public` exists already: a declared owner is given to it.
    AlterNamespaceOwner { namespace: &'s Namespace, owner: &'s Named },
    /// Before tables: columns use the type.
    CreateEnum(&'s Enum),
    /// After union types (its base may be one), before tables; among composite and range
    /// types in the order their references need.
    CreateDomain(&'s Domain),
    /// Before tables, after the types its fields use.
    CreateComposite(&'s Composite),
    /// Before tables, after its subtype (and its SUBTYPE_DIFF function, created just before).
    CreateRange(&'s RangeType),
    /// Before tables: a column's default may call `nextval` on it.
    CreateSequence(&'s Sequence),
    /// `OWNED BY`, once every table exists.
    SetSequenceOwner { sequence: &'s Sequence, owner: &'s OwnedBy },
    /// In foreign-key order, carrying the foreign keys whose targets already exist; `deferred`
    /// foreign keys and `later_checks` are added by their own steps.
    CreateTable { table: &'s Table, deferred: Vec<usize>, later_checks: Vec<usize> },
    /// Right after its parent, which must exist.
    CreatePartition { table: &'s Table, partition: &'s Partition },
    /// A foreign key that is part of a cycle, added once both tables exist; or one declared
    /// NOT VALID, which only ALTER TABLE can add (CREATE TABLE validates every constraint).
    /// `on` is a table or, for one of its own, a partition.
    AddForeignKey { on: QName, fk: &'s ForeignKey },
    /// A CHECK declared NOT VALID, after its table for the same reason.
    AddCheck { on: QName, check: &'s Check },
    /// A partition's copy of its parent's `index` under a name of its own, just before the
    /// parent's index, which then attaches it instead of creating one.
    CreatePartitionIndex { on: QName, index: &'s Index, name: &'s str },
    /// After all tables, so the table exists and bulk-loaded data need not maintain it.
    /// `on` is a table or a materialized view.
    CreateIndex { on: QName, index: &'s Index },
    /// After tables: a SQL function's body is checked against them when it is created. (A
    /// range type's SUBTYPE_DIFF function comes with the types instead.)
    CreateFunction(&'s Function),
    /// After functions, which it names.
    CreateAggregate(&'s Aggregate),
    /// After the table's indexes, one of which it may name.
    SetReplicaIdentity { table: &'s Table, identity: &'s ReplicaIdentity },
    /// After functions, in dependency order among views.
    CreateView(&'s View),
    /// After the functions they execute.
    /// `on` is a table or a view.
    CreateTrigger { on: QName, trigger: &'s Trigger },
    /// Right after its trigger: declared `enabled = false`.
    DisableTrigger { on: QName, trigger: &'s Trigger },
    /// Premade partitions made now, and their upkeep set going (strata's function, or
    /// pg_partman's configuration): after the table's indexes and triggers (which partitions
    /// take from it) and the upkeep function, before seed rows, which may need the partitions.
    PartitionUpkeep { table: &'s Table },
    /// After seed rows, which the schema's owner inserts before policies (FORCE) would stop it.
    EnableRls { table: &'s Table, force: bool },
    /// After every table, as a policy's expression may read other tables.
    CreatePolicy { table: &'s Table, policy: &'s Policy },
    /// After every object, as `ON ALL TABLES` covers only those that exist; revokes first, so
    /// that a grant is what remains.
    Grant(&'s Grant),
    /// After grants: it changes what objects created later get, not those created here.
    DefaultPrivileges(&'s DefaultPrivileges),
    /// Comments only describe objects that exist.
    Comment { table: &'s Table, column: Option<&'s str>, text: &'s str },
    /// `kind` is SCHEMA, TYPE, SEQUENCE, FUNCTION, VIEW, MATERIALIZED VIEW, INDEX, or CONSTRAINT,
    /// TRIGGER or POLICY (whose `target` is `name ON table`); `target` is its SQL reference.
    CommentOn { kind: &'static str, target: String, text: &'s str },
    /// Seed rows go into the complete tables, parents before children, before RLS is enabled.
    InsertRows { table: &'s Table },
}

impl Step<'_> {
    /// The `-- CreateTable users` style header that precedes each statement.
    pub fn description(&self) -> String {
        match self {
            Step::SetSearchPath(n) => format!("SetSearchPath {n}"),
            Step::UncheckedBodies => "UncheckedBodies".to_string(),
            Step::CreateNamespace(n) => format!("CreateNamespace {}", n.name),
            Step::AlterNamespaceOwner { namespace, .. } => format!("AlterNamespaceOwner {}", namespace.name),
            Step::CreateExtension(e) => format!("CreateExtension {}", e.name),
            Step::CreateRole(r) => format!("CreateRole {}", r.name),
            Step::GrantMembership(r) => format!("GrantMembership {}", r.name),
            Step::EnableRls { table, force: false } => format!("EnableRls {}", table.qname()),
            Step::EnableRls { table, force: true } => format!("ForceRls {}", table.qname()),
            Step::CreatePolicy { table, policy } => format!("CreatePolicy {}.{}", table.qname(), policy.name),
            Step::Grant(g) => format!("{} {}", if g.revoke { "Revoke" } else { "Grant" }, g.privileges.join(", ")),
            Step::DefaultPrivileges(d) => {
                format!(
                    "DefaultPrivileges {} {} {}",
                    if d.revoke { "revoke" } else { "grant" },
                    d.privileges.join(", "),
                    d.on
                )
            }
            Step::CreateEnum(e) => format!("CreateEnum {}", e.qname()),
            Step::CreateDomain(d) => format!("CreateDomain {}", d.qname()),
            Step::CreateComposite(c) => format!("CreateComposite {}", c.qname()),
            Step::CreateRange(r) => format!("CreateRange {}", r.qname()),
            Step::CreateAggregate(a) => format!("CreateAggregate {}", a.signature()),
            Step::CreateSequence(s) => format!("CreateSequence {}", s.qname()),
            Step::SetSequenceOwner { sequence, .. } => format!("SetSequenceOwner {}", sequence.qname()),
            Step::CreateTable { table, .. } => format!("CreateTable {}", table.qname()),
            Step::CreatePartition { partition, .. } => format!("CreatePartition {}", partition.qname()),
            Step::AddForeignKey { on, fk } => format!("AddForeignKey {on}.{}", fk.name),
            Step::AddCheck { on, check } => format!("AddCheck {on}.{}", check.name),
            Step::CreatePartitionIndex { on, name, .. } => {
                format!("CreateIndex {}", QName::new(&on.namespace, name))
            }
            Step::CreateIndex { on, index } => {
                format!("CreateIndex {}", QName::new(&on.namespace, &index.name))
            }
            Step::SetReplicaIdentity { table, .. } => format!("SetReplicaIdentity {}", table.qname()),
            Step::CreateFunction(f) => format!("CreateFunction {}", f.signature()),
            Step::CreateView(v) => {
                format!("Create{}View {}", if v.materialized { "Materialized" } else { "" }, v.qname())
            }
            Step::CreateTrigger { on, trigger } => format!("CreateTrigger {on}.{}", trigger.name),
            Step::DisableTrigger { on, trigger } => format!("DisableTrigger {on}.{}", trigger.name),
            Step::InsertRows { table } => format!("InsertRows {}", table.qname()),
            Step::PartitionUpkeep { table } => format!("PartitionUpkeep {}", table.qname()),
            Step::Comment { table, column: None, .. } => format!("Comment {}", table.qname()),
            Step::Comment { table, column: Some(c), .. } => format!("Comment {}.{c}", table.qname()),
            Step::CommentOn { target, .. } => format!("Comment {target}"),
        }
    }
}

/// Domains, composite and range types, each after the declared types it uses (declaration
/// order otherwise), with a range's declared SUBTYPE_DIFF function just before it. Returns
/// those functions, which are then not created again with the others.
fn type_steps<'s>(schema: &'s Schema, steps: &mut Vec<Step<'s>>) -> Vec<&'s Function> {
    fn uses(ty: &ColumnType) -> Option<&QName> {
        match ty.scalar() {
            Scalar::Domain(q) | Scalar::Composite(q) | Scalar::Range(q) => Some(q),
            _ => None,
        }
    }
    let nodes: Vec<(QName, Step<'s>, Vec<&QName>)> = schema
        .domains
        .iter()
        .map(|d| (d.qname(), Step::CreateDomain(d), uses(&d.base).into_iter().collect()))
        .chain(
            schema
                .composites
                .iter()
                .map(|c| (c.qname(), Step::CreateComposite(c), c.fields.iter().filter_map(|f| uses(&f.ty)).collect())),
        )
        .chain(schema.ranges.iter().map(|r| (r.qname(), Step::CreateRange(r), uses(&r.subtype).into_iter().collect())))
        .collect();
    fn visit<'s>(i: usize, nodes: &[(QName, Step<'s>, Vec<&QName>)], done: &mut Vec<bool>, order: &mut Vec<usize>) {
        if done[i] {
            return;
        }
        done[i] = true; // also before its dependencies: a cycle (refused by the checks) ends here
        for q in &nodes[i].2 {
            if let Some(j) = nodes.iter().position(|n| &n.0 == *q) {
                visit(j, nodes, done, order);
            }
        }
        order.push(i);
    }
    let (mut done, mut order) = (vec![false; nodes.len()], Vec::new());
    (0..nodes.len()).for_each(|i| visit(i, &nodes, &mut done, &mut order));
    let mut early: Vec<&Function> = Vec::new();
    for i in order {
        if let Step::CreateRange(r) = nodes[i].1
            && let Some(diff) = &r.subtype_diff
        {
            let q = schema.qualify(&diff.name);
            let found: Vec<&Function> = schema
                .functions
                .iter()
                .filter(|f| f.qname() == q && !early.iter().any(|e| std::ptr::eq(*e, *f)))
                .collect();
            steps.extend(found.iter().map(|f| Step::CreateFunction(f)));
            early.extend(found);
        }
        steps.push(nodes[i].1.clone());
    }
    early
}

/// The order tables are created in, and per table the positions of its foreign keys that must
/// wait until every table exists.
///
/// Tables that reference each other in a cycle form one strongly connected component; the
/// components are created in dependency order (the earliest-declared ready one first), and
/// within a component tables keep declaration order. Only foreign keys inside a component that
/// point at a table not created yet are deferred, so a cycle costs as few deferrals as its shape allows.
fn table_order(schema: &Schema) -> (Vec<usize>, Vec<Vec<usize>>) {
    let n = schema.tables.len();
    let index: HashMap<(&str, &str), usize> =
        schema.tables.iter().enumerate().map(|(i, t)| ((t.namespace.as_str(), t.name.as_str()), i)).collect();
    let target = |fk: &ForeignKey| index.get(&(fk.ref_table.namespace.as_str(), fk.ref_table.name.as_str())).copied();
    let edges: Vec<Vec<usize>> = schema
        .tables
        .iter()
        .enumerate()
        .map(|(i, t)| t.foreign_keys.iter().filter_map(target).filter(|&j| j != i).collect())
        .collect();
    let component = strongly_connected(&edges);
    let n_components = component.iter().max().map_or(0, |m| m + 1);
    let mut members: Vec<Vec<usize>> = vec![Vec::new(); n_components];
    for i in 0..n {
        members[component[i]].push(i);
    }
    // Components' dependencies on other components, and how many are still to be created.
    let mut waiting = vec![0usize; n_components];
    let mut dependents: Vec<Vec<usize>> = vec![Vec::new(); n_components];
    for (i, targets) in edges.iter().enumerate() {
        let mut seen = HashSet::new();
        for &j in targets {
            let (ci, cj) = (component[i], component[j]);
            if ci != cj && seen.insert(cj) {
                waiting[ci] += 1;
                dependents[cj].push(ci);
            }
        }
    }
    // Ready components, keyed by their earliest-declared table.
    let mut ready: BTreeSet<(usize, usize)> =
        (0..n_components).filter(|&c| waiting[c] == 0).map(|c| (members[c][0], c)).collect();
    let mut created = vec![false; n];
    let (mut order, mut deferred) = (Vec::with_capacity(n), vec![Vec::new(); n]);
    while let Some((_, c)) = ready.pop_first() {
        for &i in &members[c] {
            for (k, fk) in schema.tables[i].foreign_keys.iter().enumerate() {
                if let Some(j) = target(fk)
                    && j != i
                    && component[j] == c
                    && !created[j]
                {
                    deferred[i].push(k);
                }
            }
            created[i] = true;
            order.push(i);
        }
        for &d in &dependents[c] {
            waiting[d] -= 1;
            if waiting[d] == 0 {
                ready.insert((members[d][0], d));
            }
        }
    }
    (order, deferred)
}

/// Tarjan's algorithm: the strongly connected component of every node, iteratively so deep
/// reference chains cannot overflow the stack.
fn strongly_connected(edges: &[Vec<usize>]) -> Vec<usize> {
    let n = edges.len();
    let (mut index, mut low, mut on_stack) = (vec![usize::MAX; n], vec![0; n], vec![false; n]);
    let (mut stack, mut component, mut next, mut n_components) = (Vec::new(), vec![usize::MAX; n], 0, 0);
    for root in 0..n {
        if index[root] != usize::MAX {
            continue;
        }
        let mut calls = vec![(root, 0usize)];
        while let Some(&mut (v, ref mut edge)) = calls.last_mut() {
            if *edge == 0 && index[v] == usize::MAX {
                index[v] = next;
                low[v] = next;
                next += 1;
                stack.push(v);
                on_stack[v] = true;
            }
            if let Some(&w) = edges[v].get(*edge) {
                *edge += 1;
                if index[w] == usize::MAX {
                    calls.push((w, 0));
                } else if on_stack[w] {
                    low[v] = low[v].min(index[w]);
                }
                continue;
            }
            calls.pop();
            if let Some(&(parent, _)) = calls.last() {
                low[parent] = low[parent].min(low[v]);
            }
            if low[v] == index[v] {
                while let Some(w) = stack.pop() {
                    on_stack[w] = false;
                    component[w] = n_components;
                    if w == v {
                        break;
                    }
                }
                n_components += 1;
            }
        }
    }
    component
}

/// The plan that creates `schema` in an empty database.
pub fn create(schema: &Schema) -> Vec<Step<'_>> {
    // Every kind the model holds, named: a new one is a compile error here until it has its
    // steps (which the differ's keys then name).
    let Schema {
        name: _,
        postgres: _,
        doc: _,
        namespace: _,
        namespaces: _,
        extensions: _,
        enums: _,
        domains: _,
        composites: _,
        ranges: _,
        shapes: _, // the Rust target's: PostgreSQL stores any JSON
        tables: _,
        sequences: _,
        roles: _,
        grants: _,
        default_privileges: _,
        functions: _,
        aggregates: _,
        views: _,
        jobs: _, // scheduled by jobs.sql in pg_cron's database (render::sql::jobs), not by migrations
        allow_destructive: _,
        ignore: _, // how a database is read, not what it holds
        rust_names: _,
        positions: _,
    } = schema;
    let (order, mut deferred) = table_order(schema);
    for (i, t) in schema.tables.iter().enumerate() {
        // Declared NOT VALID, or keyed by a unique index (made after the tables): added later.
        let not_valid = t.foreign_keys.iter().enumerate().filter(|(k, fk)| {
            (fk.not_valid || order::keyed_by_index(schema, fk).is_some()) && !deferred[i].contains(k)
        });
        let not_valid: Vec<usize> = not_valid.map(|(k, _)| k).collect();
        deferred[i].extend(not_valid);
    }
    let later_checks = |t: &Table| -> Vec<usize> { (0..t.checks.len()).filter(|&k| t.checks[k].not_valid).collect() };
    let mut steps: Vec<Step> = Vec::new();
    if schema.namespace != PUBLIC {
        steps.push(Step::SetSearchPath(&schema.namespace));
    }
    steps.extend(schema.roles.iter().map(Step::CreateRole));
    steps.extend(schema.roles.iter().filter(|r| !r.member_of.is_empty()).map(Step::GrantMembership));
    for n in &schema.namespaces {
        match (n.name == PUBLIC, &n.owner) {
            (false, _) => steps.push(Step::CreateNamespace(n)),
            (true, Some(owner)) => steps.push(Step::AlterNamespaceOwner { namespace: n, owner }),
            (true, None) => {}
        }
    }
    steps.extend(schema.extensions.iter().map(Step::CreateExtension));
    steps.extend(schema.enums.iter().filter(|e| e.repr == crate::model::EnumRepr::Type).map(Step::CreateEnum));
    let early = type_steps(schema, &mut steps);
    steps.extend(schema.sequences.iter().map(Step::CreateSequence));
    for &i in &order {
        let table = &schema.tables[i];
        steps.push(Step::CreateTable { table, deferred: deferred[i].clone(), later_checks: later_checks(table) });
        let partitions = table.partition.iter().flat_map(|p| &p.partitions);
        steps.extend(partitions.map(|partition| Step::CreatePartition { table, partition }));
    }
    for &i in &order {
        let table = &schema.tables[i];
        let on = table.qname();
        steps.extend(deferred[i].iter().map(|&k| Step::AddForeignKey { on: on.clone(), fk: &table.foreign_keys[k] }));
        steps.extend(
            later_checks(table).into_iter().map(|k| Step::AddCheck { on: on.clone(), check: &table.checks[k] }),
        );
        // A partition's own foreign keys wait for every table, as its checks declared NOT VALID do.
        for p in partitions(table) {
            steps.extend(p.foreign_keys.iter().map(|fk| Step::AddForeignKey { on: p.qname(), fk }));
            let not_valid = p.checks.iter().filter(|c| c.not_valid);
            steps.extend(not_valid.map(|check| Step::AddCheck { on: p.qname(), check }));
        }
    }
    for sequence in &schema.sequences {
        steps.extend(sequence.owned_by.iter().map(|owner| Step::SetSequenceOwner { sequence, owner }));
    }
    for &i in &order {
        let table = &schema.tables[i];
        for p in partitions(table) {
            for (parent, name) in &p.index_names {
                let Some(index) = table.indexes.iter().find(|i| i.name == parent.name) else { continue };
                steps.push(Step::CreatePartitionIndex { on: p.qname(), index, name });
            }
        }
        steps.extend(table.indexes.iter().map(|index| Step::CreateIndex { on: table.qname(), index }));
        for p in partitions(table) {
            steps.extend(p.indexes.iter().map(|index| Step::CreateIndex { on: p.qname(), index }));
        }
        steps.extend(table.replica_identity.iter().map(|identity| Step::SetReplicaIdentity { table, identity }));
    }
    let later = schema.functions.iter().filter(|f| !early.iter().any(|e| std::ptr::eq(*e, *f)));
    steps.extend(later.map(Step::CreateFunction));
    steps.extend(schema.aggregates.iter().map(Step::CreateAggregate));
    for view in view_order(schema) {
        steps.push(Step::CreateView(view));
        steps.extend(view.indexes.iter().map(|index| Step::CreateIndex { on: view.qname(), index }));
    }
    for &i in &order {
        let table = &schema.tables[i];
        triggers(&mut steps, table.qname(), &table.triggers);
        for p in partitions(table) {
            triggers(&mut steps, p.qname(), &p.triggers);
        }
    }
    for view in &schema.views {
        triggers(&mut steps, view.qname(), &view.triggers);
    }
    for &i in &order {
        let table = &schema.tables[i];
        if table.partition.as_ref().is_some_and(|p| p.strata_upkeep().is_some() || p.partman_upkeep().is_some()) {
            steps.push(Step::PartitionUpkeep { table });
        }
    }
    for &i in &order {
        if !schema.tables[i].rows.is_empty() {
            steps.push(Step::InsertRows { table: &schema.tables[i] });
        }
    }
    for &i in &order {
        let table = &schema.tables[i];
        if let Some(rls) = table.rls.as_ref().filter(|r| r.enabled) {
            steps.push(Step::EnableRls { table, force: false });
            if rls.force {
                steps.push(Step::EnableRls { table, force: true });
            }
        }
        steps.extend(table.policies.iter().map(|policy| Step::CreatePolicy { table, policy }));
    }
    steps.extend(schema.grants.iter().filter(|g| g.revoke).map(Step::Grant));
    steps.extend(schema.grants.iter().filter(|g| !g.revoke).map(Step::Grant));
    steps.extend(schema.default_privileges.iter().map(Step::DefaultPrivileges));
    for n in &schema.namespaces {
        if let Some(text) = &n.doc {
            steps.push(Step::CommentOn { kind: "SCHEMA", target: ident(&n.name).into_owned(), text });
        }
    }
    for e in &schema.enums {
        if let (crate::model::EnumRepr::Type, Some(text)) = (&e.repr, &e.doc) {
            steps.push(Step::CommentOn { kind: "TYPE", target: qualified(&e.namespace, &e.name), text });
        }
    }
    for d in &schema.domains {
        if let Some(text) = &d.doc {
            steps.push(Step::CommentOn { kind: "DOMAIN", target: qualified(&d.namespace, &d.name), text });
        }
    }
    let composites = schema.composites.iter().map(|c| (c.qname(), &c.doc));
    for (q, doc) in composites.chain(schema.ranges.iter().map(|r| (r.qname(), &r.doc))) {
        if let Some(text) = doc {
            steps.push(Step::CommentOn { kind: "TYPE", target: qualified(&q.namespace, &q.name), text });
        }
    }
    for a in &schema.aggregates {
        if let Some(text) = &a.doc {
            let target = a.signature();
            steps.push(Step::CommentOn { kind: "AGGREGATE", target, text });
        }
    }
    for s in &schema.sequences {
        if let Some(text) = &s.doc {
            steps.push(Step::CommentOn { kind: "SEQUENCE", target: qualified(&s.namespace, &s.name), text });
        }
    }
    for f in &schema.functions {
        if let Some(text) = &f.doc {
            let kind = f.kind();
            steps.push(Step::CommentOn { kind, target: f.signature(), text });
        }
    }
    for v in &schema.views {
        let rel = qualified(&v.namespace, &v.name);
        if let Some(text) = &v.doc {
            let kind = if v.materialized { "MATERIALIZED VIEW" } else { "VIEW" };
            steps.push(Step::CommentOn { kind, target: rel.clone(), text });
        }
        for i in v.indexes.iter().filter(|i| i.doc.is_some()) {
            let text = i.doc.as_deref().unwrap();
            steps.push(Step::CommentOn { kind: "INDEX", target: qualified(&v.namespace, &i.name), text });
        }
        for t in v.triggers.iter().filter(|t| t.doc.is_some()) {
            let target = format!("{} ON {rel}", ident(&t.name));
            steps.push(Step::CommentOn { kind: "TRIGGER", target, text: t.doc.as_deref().unwrap() });
        }
    }
    for &i in &order {
        let table = &schema.tables[i];
        if let Some(text) = &table.doc {
            steps.push(Step::Comment { table, column: None, text });
        }
        object_comments(&mut steps, table);
        for c in &table.columns {
            if let Some(text) = &c.doc {
                steps.push(Step::Comment { table, column: Some(&c.name), text });
            }
        }
    }
    order::by_needs(schema, steps)
}

/// Comments on a table's constraints, indexes, triggers and policies, and on its partitions'.
fn object_comments<'s>(steps: &mut Vec<Step<'s>>, table: &'s Table) {
    let rel = qualified(&table.namespace, &table.name);
    let on = |name: &str, rel: &str| format!("{} ON {rel}", ident(name));
    let keys = table.primary_key.iter().map(|k| (&k.name, &k.doc));
    let keys = keys.chain(table.uniques.iter().map(|u| (&u.name, &u.doc)));
    let keys = keys.chain(table.exclusions.iter().map(|x| (&x.name, &x.doc)));
    let mut constraints: Vec<(&String, &Option<String>, String)> = keys.map(|(n, d)| (n, d, rel.clone())).collect();
    for (checks, fks, rel) in std::iter::once((&table.checks, &table.foreign_keys, rel.clone()))
        .chain(partitions(table).map(|p| (&p.checks, &p.foreign_keys, qualified(&p.namespace, &p.name))))
    {
        constraints.extend(checks.iter().map(|c| (&c.name, &c.doc, rel.clone())));
        constraints.extend(fks.iter().map(|f| (&f.name, &f.doc, rel.clone())));
    }
    for (name, doc, rel) in constraints {
        if let Some(text) = doc {
            steps.push(Step::CommentOn { kind: "CONSTRAINT", target: on(name, &rel), text });
        }
    }
    let indexes = table.indexes.iter().map(|i| (&table.namespace, i));
    for (namespace, index) in
        indexes.chain(partitions(table).flat_map(|p| p.indexes.iter().map(move |i| (&p.namespace, i))))
    {
        if let Some(text) = &index.doc {
            steps.push(Step::CommentOn { kind: "INDEX", target: qualified(namespace, &index.name), text });
        }
    }
    let own = partitions(table).map(|p| (qualified(&p.namespace, &p.name), &p.triggers));
    for (rel, triggers) in std::iter::once((rel.clone(), &table.triggers)).chain(own) {
        for t in triggers.iter().filter(|t| t.doc.is_some()) {
            steps.push(Step::CommentOn { kind: "TRIGGER", target: on(&t.name, &rel), text: t.doc.as_deref().unwrap() });
        }
    }
    for p in table.policies.iter().filter(|p| p.doc.is_some()) {
        steps.push(Step::CommentOn { kind: "POLICY", target: on(&p.name, &rel), text: p.doc.as_deref().unwrap() });
    }
}

/// A table's partitions, none when it is not partitioned.
fn partitions(table: &Table) -> impl Iterator<Item = &Partition> {
    table.partition.iter().flat_map(|p| &p.partitions)
}

/// The steps that create `on`'s triggers, each disabled right after when so declared.
fn triggers<'s>(steps: &mut Vec<Step<'s>>, on: QName, triggers: &'s [Trigger]) {
    for trigger in triggers {
        steps.push(Step::CreateTrigger { on: on.clone(), trigger });
        if !trigger.enabled {
            steps.push(Step::DisableTrigger { on: on.clone(), trigger });
        }
    }
}

/// Views in declaration order, except that a view comes after the views it reads.
fn view_order(schema: &Schema) -> Vec<&View> {
    // A name as the query wrote it: unqualified ones resolve on the search path, so any
    // namespace's view of that name counts (a false dependency only reorders).
    let reads_view = |r: &QName, v: &View| v.name == r.name && (r.namespace.is_empty() || r.namespace == v.namespace);
    let reads: Vec<Vec<QName>> = schema
        .views
        .iter()
        .map(|v| {
            crate::sql::deps::relations(&v.query.sql).unwrap_or_default().iter().map(|r| QName::parse(r, "")).collect()
        })
        .collect();
    let mut done = vec![false; schema.views.len()];
    let mut order = Vec::with_capacity(schema.views.len());
    while order.len() < schema.views.len() {
        let ready = (0..schema.views.len()).find(|&i| {
            !done[i]
                && reads[i]
                    .iter()
                    .all(|r| schema.views.iter().enumerate().all(|(j, v)| !reads_view(r, v) || done[j] || j == i))
        });
        // A cycle among views cannot be created at all; PostgreSQL will say so. Keep going in order.
        let i = ready.unwrap_or_else(|| done.iter().position(|d| !d).unwrap());
        done[i] = true;
        order.push(&schema.views[i]);
    }
    order
}
