//! sqlparser's statements into the model, one at a time, in script order (an object is declared
//! before a later statement alters, indexes or comments on it, as in pg_dump's output).
//! Expressions are kept as sqlparser prints them, which PostgreSQL reads as written.

use sqlparser::ast::{
    self as ast, AlterColumnOperation, AlterTableOperation, ArrayElemTypeDef, ColumnDef, ColumnOption, CommentObject,
    CreatePolicyCommand, CreatePolicyType, CreateTableOptions, DataType, ForValues, GeneratedAs, Ident, IndexColumn,
    ObjectName, OrderBySort, Owner, PartitionBoundValue, SequenceOptions as AstSequenceOptions, SqlOption, Statement,
    TableConstraint, UserDefinedTypeRepresentation,
};

use crate::diagnostics::Span;
use crate::model::*;
use crate::sql::deps::folded as ident;

/// The schema being read, and what is only known once every table is.
pub(super) struct Reader {
    schema: Schema,
    /// Foreign keys written without their referenced columns: (table, key), completed with the
    /// target's primary key at the end.
    implicit_targets: Vec<(usize, usize)>,
}

type Read = Result<(), String>;

impl Reader {
    pub(super) fn new(name: &str, namespace: &str) -> Reader {
        Reader { schema: Schema::new(name, namespace), implicit_targets: Vec::new() }
    }

    pub(super) fn finish(mut self) -> Schema {
        for (t, k) in std::mem::take(&mut self.implicit_targets) {
            let target = self.schema.tables[t].foreign_keys[k].ref_table.qname();
            let key = self.table_at(&target).and_then(|i| self.schema.tables[i].primary_key.as_ref());
            let columns = key.map(|pk| pk.columns.clone()).unwrap_or_default();
            self.schema.tables[t].foreign_keys[k].ref_columns = columns;
        }
        self.named_roles();
        super::super::fold_serials(&mut self.schema);
        self.schema.resolve_type_names();
        self.schema
    }

    /// Roles the script names without creating them (a schema's owner, a policy's roles) exist
    /// where it was dumped: the schema declares them, as a plain role, so that they exist where
    /// it is applied.
    fn named_roles(&mut self) {
        let s = &self.schema;
        let owners = s.namespaces.iter().filter_map(|n| n.owner.as_ref());
        let policy_roles = s.tables.iter().flat_map(|t| &t.policies).flat_map(|p| &p.to);
        let mut names: Vec<String> = owners.chain(policy_roles).map(|r| r.name.clone()).collect();
        names.sort();
        names.dedup();
        for name in names {
            if !self.schema.roles.iter().any(|r| r.name == name) {
                let (member_of, doc, span) = (Vec::new(), None, Span::default());
                self.schema.roles.push(Role { name, login: false, inherit: true, member_of, doc, span });
            }
        }
    }

    /// Reads one statement into the schema, or says why it cannot.
    pub(super) fn statement(&mut self, s: &Statement) -> Read {
        match s {
            // The script's session settings (pg_dump's preamble), not objects; but a search
            // path says where later unqualified names go.
            Statement::Set(_) | Statement::Query(_) if search_path(s).is_some() => {
                self.search_path(&search_path(s).unwrap_or_default())
            }
            Statement::Set(_) => Ok(()),
            Statement::Query(q) if is_set_config(q) => Ok(()),
            Statement::CreateSchema { schema_name, .. } => self.create_schema(schema_name),
            Statement::CreateExtension(e) => {
                if e.version.is_some() {
                    return Err("an extension's VERSION is not part of the model: remove it".into());
                }
                let namespace = e.schema.as_ref().map(ident);
                self.schema.extensions.push(Extension { name: ident(&e.name), namespace, span: Span::default() });
                Ok(())
            }
            Statement::CreateType { name, representation: Some(r) } => self.create_type(name, r),
            Statement::CreateTable(t) => self.create_table(t),
            Statement::AlterTable(a) => {
                let t = self.table(&a.name)?;
                a.operations.iter().try_for_each(|op| self.alter_table(t, op))
            }
            Statement::CreateIndex(i) => self.create_index(i),
            Statement::CreateView(v) => self.create_view(v),
            Statement::CreatePolicy(p) => self.create_policy(p),
            Statement::CreateSequence { temporary: false, name, data_type, sequence_options, owned_by, .. } => {
                self.create_sequence(name, data_type.as_ref(), sequence_options, owned_by.as_ref())
            }
            Statement::Comment { object_type, object_name, comment, .. } => {
                self.comment(*object_type, object_name, comment.clone())
            }
            other => Err(format!("`{}` is not read by --offline", kind(other))),
        }
    }

    /// A search path is read when it keeps unqualified names where they go already: the
    /// default namespace, or nowhere (pg_dump's `''`, after which every name is qualified).
    fn search_path(&self, path: &[String]) -> Read {
        match path.iter().find(|n| !n.is_empty() && *n != "$user") {
            None => Ok(()),
            Some(n) if *n == self.schema.namespace => Ok(()),
            Some(n) => Err(format!(
                "the search path puts unqualified names in `{n}`, not in `{}`: give --namespace {n} and remove the \
                 statement, or qualify the names",
                self.schema.namespace
            )),
        }
    }

    fn create_schema(&mut self, name: &ast::SchemaName) -> Read {
        let (name, owner) = match name {
            ast::SchemaName::Simple(n) => (n, None),
            ast::SchemaName::NamedAuthorization(n, owner) => (n, Some(named(owner))),
            ast::SchemaName::UnnamedAuthorization(_) => return Err("a schema without a name is not read".into()),
        };
        let name = single(name)?;
        self.namespace(&name).owner = owner;
        Ok(())
    }

    /// The namespace declared as `name`, declared now if it was not.
    fn namespace(&mut self, name: &str) -> &mut Namespace {
        let at = match self.schema.namespaces.iter().position(|n| n.name == name) {
            Some(at) => at,
            None => {
                let n = Namespace { name: name.to_string(), owner: None, doc: None, span: Span::default() };
                self.schema.namespaces.push(n);
                self.schema.namespaces.len() - 1
            }
        };
        &mut self.schema.namespaces[at]
    }

    fn create_type(&mut self, name: &ObjectName, r: &UserDefinedTypeRepresentation) -> Read {
        let QName { namespace, name } = self.qname(name)?;
        let span = Span::default();
        match r {
            UserDefinedTypeRepresentation::Enum { labels } => {
                let values = labels.iter().map(|l| l.value.clone()).collect();
                self.schema.enums.push(Enum { namespace, name, values, repr: EnumRepr::Type, doc: None, span });
            }
            UserDefinedTypeRepresentation::Composite { attributes } => {
                let fields = attributes
                    .iter()
                    .map(|a| {
                        let collation = a.collation.as_ref().map(|c| self.object_named(c)).transpose()?;
                        Ok(CompositeField { name: ident(&a.name), ty: column_type(&a.data_type)?, collation, span })
                    })
                    .collect::<Result<_, String>>()?;
                self.schema.composites.push(Composite { namespace, name, fields, doc: None, span });
            }
            _ => return Err(format!("`CREATE TYPE {name} {r}` is not read by --offline")),
        }
        Ok(())
    }

    fn create_table(&mut self, c: &ast::CreateTable) -> Read {
        let q = self.qname(&c.name)?;
        if c.temporary || c.query.is_some() || c.like.is_some() || c.inherits.is_some() || c.clone.is_some() {
            return Err("only a plain CREATE TABLE (not TEMPORARY, AS, LIKE, INHERITS) is read by --offline".into());
        }
        if self.table_at(&q).is_some() {
            return Err(format!("table {q} is created twice"));
        }
        if let Some(parent) = &c.partition_of {
            return self.create_partition(q, parent, c);
        }
        let mut t = Table::new(&q.namespace, &q.name);
        t.unlogged = c.unlogged;
        t.storage = options(&c.table_options)?;
        self.schema.tables.push(t);
        let at = self.schema.tables.len() - 1;
        for column in &c.columns {
            self.add_column(at, column)?;
        }
        for constraint in &c.constraints {
            self.add_constraint(at, constraint, false)?;
        }
        if let Some(by) = &c.partition_by {
            self.schema.tables[at].partition = Some(partitioning(by)?);
        }
        Ok(())
    }

    /// `CREATE TABLE name PARTITION OF parent FOR VALUES ...`: a partition of a table read before.
    fn create_partition(&mut self, q: QName, parent: &ObjectName, c: &ast::CreateTable) -> Read {
        if !c.columns.is_empty() || !c.constraints.is_empty() {
            return Err("a partition's own columns and constraints are not read by --offline".into());
        }
        let t = self.table(parent)?;
        let bound = match &c.for_values {
            Some(ForValues::From { from, to }) => PartitionBound::Range { from: bounds(from)?, to: bounds(to)? },
            Some(ForValues::In(values)) => PartitionBound::In(values.iter().map(ToString::to_string).collect()),
            Some(ForValues::With { modulus, remainder }) => PartitionBound::Hash {
                modulus: u32::try_from(*modulus).map_err(|e| e.to_string())?,
                remainder: u32::try_from(*remainder).map_err(|e| e.to_string())?,
            },
            Some(ForValues::Default) => PartitionBound::Default,
            None => return Err("a partition without FOR VALUES".into()),
        };
        let partition = Partition {
            namespace: q.namespace,
            name: q.name,
            bound,
            storage: options(&c.table_options)?,
            checks: Vec::new(),
            foreign_keys: Vec::new(),
            indexes: Vec::new(),
            index_names: Vec::new(),
            span: Span::default(),
        };
        let table = &mut self.schema.tables[t];
        let Some(p) = table.partition.as_mut() else {
            return Err(format!("{} is not partitioned (PARTITION BY)", table.name));
        };
        p.partitions.push(partition);
        Ok(())
    }

    fn add_column(&mut self, t: usize, def: &ColumnDef) -> Read {
        let name = ident(&def.name);
        if self.schema.tables[t].column(&name).is_some() {
            return Err(format!("column {name} is declared twice"));
        }
        let column = Column { nullable: true, ..Column::new(&name, column_type(&def.data_type)?) };
        self.schema.tables[t].columns.push(column);
        for option in &def.options {
            // A column's constraint is the table's, over that one column.
            let one = || vec![Ident::with_quote('"', name.clone())];
            let constraint = match option.option.clone() {
                ColumnOption::Null => None,
                ColumnOption::NotNull => {
                    self.column_mut(t, &name).nullable = false;
                    None
                }
                ColumnOption::Default(e) => {
                    self.column_mut(t, &name).default = Some(default_expr(&e));
                    None
                }
                ColumnOption::Collation(c) => {
                    self.column_mut(t, &name).collation = Some(self.object_named(&c)?);
                    None
                }
                ColumnOption::Generated { generated_as, sequence_options, generation_expr, .. } => {
                    let column = self.column_mut(t, &name);
                    match generation_expr {
                        Some(e) => column.generated = Some(expr(&e)),
                        None => column.identity = Some(identity(&generated_as, sequence_options.as_deref())?),
                    }
                    None
                }
                ColumnOption::PrimaryKey(mut c) => {
                    c.columns = one().into_iter().map(IndexColumn::from).collect();
                    Some(TableConstraint::PrimaryKey(c))
                }
                ColumnOption::Unique(mut c) => {
                    c.columns = one().into_iter().map(IndexColumn::from).collect();
                    Some(TableConstraint::Unique(c))
                }
                ColumnOption::ForeignKey(mut c) => {
                    c.columns = one();
                    Some(TableConstraint::ForeignKey(c))
                }
                ColumnOption::Check(c) => Some(TableConstraint::Check(c)),
                other => return Err(format!("column option `{other}` is not read by --offline")),
            };
            if let Some(mut c) = constraint {
                set_name(&mut c, option.name.clone());
                self.add_constraint(t, &c, false)?;
            }
        }
        Ok(())
    }

    fn column_mut(&mut self, t: usize, name: &str) -> &mut Column {
        let table = &mut self.schema.tables[t];
        let at = table.columns.iter().position(|c| c.name == name).expect("the column was added");
        &mut table.columns[at]
    }

    fn add_constraint(&mut self, t: usize, c: &TableConstraint, not_valid: bool) -> Read {
        let span = Span::default();
        let table = &self.schema.tables[t];
        let given = |name: &Option<Ident>| name.as_ref().map(ident);
        let columns = |list: &[IndexColumn]| -> Result<Vec<Named>, String> {
            list.iter()
                .map(|c| match &c.column.expr {
                    ast::Expr::Identifier(i) if c.operator_class.is_none() => Ok(named(i)),
                    other => Err(format!("a key of `{other}`: only columns are read by --offline")),
                })
                .collect()
        };
        let joined = |cols: &[Named]| cols.iter().map(|c| c.name.as_str()).collect::<Vec<_>>().join("_");
        if not_valid && !matches!(c, TableConstraint::Check(_) | TableConstraint::ForeignKey(_)) {
            return Err("only a CHECK or a foreign key can be NOT VALID".into());
        }
        match c {
            TableConstraint::PrimaryKey(pk) => {
                let columns = columns(&pk.columns)?;
                let name = given(&pk.name).unwrap_or_else(|| object_name(&table.name, "", "pkey"));
                if pk.characteristics.is_some() || !pk.include.is_empty() || !pk.index_options.is_empty() {
                    return Err("a primary key's options are not read by --offline".into());
                }
                let table = &mut self.schema.tables[t];
                for c in &mut table.columns {
                    c.nullable &= !columns.iter().any(|k| k.name == c.name);
                }
                table.primary_key = Some(PrimaryKey { name, columns, doc: None, span });
            }
            TableConstraint::Unique(u) => {
                let columns = columns(&u.columns)?;
                let name = given(&u.name).unwrap_or_else(|| object_name(&table.name, &joined(&columns), "key"));
                if !u.include.is_empty() || !u.index_options.is_empty() {
                    return Err("a unique constraint's INCLUDE and options are not read by --offline".into());
                }
                let nulls_not_distinct = matches!(u.nulls_distinct, ast::NullsDistinctOption::NotDistinct);
                let deferrable = deferrable(u.characteristics.as_ref());
                let unique = Unique { name, columns, nulls_not_distinct, deferrable, doc: None, span };
                self.schema.tables[t].uniques.push(unique);
            }
            TableConstraint::ForeignKey(fk) => {
                let columns: Vec<Named> = fk.columns.iter().map(named).collect();
                let name = given(&fk.name).unwrap_or_else(|| object_name(&table.name, &joined(&columns), "fkey"));
                let target = self.qname(&fk.foreign_table)?;
                let key = ForeignKey {
                    name,
                    columns,
                    ref_table: Ref { namespace: target.namespace, name: target.name, span },
                    ref_columns: fk.referred_columns.iter().map(named).collect(),
                    on_delete: fk.on_delete.map_or(FkAction::NoAction, action),
                    on_update: fk.on_update.map_or(FkAction::NoAction, action),
                    deferrable: deferrable(fk.characteristics.as_ref()),
                    match_full: matches!(fk.match_kind, Some(ast::ConstraintReferenceMatchKind::Full)),
                    not_valid,
                    doc: None,
                    span,
                };
                if matches!(fk.match_kind, Some(ast::ConstraintReferenceMatchKind::Partial)) {
                    return Err("MATCH PARTIAL is not implemented by PostgreSQL".into());
                }
                let table = &mut self.schema.tables[t];
                if key.ref_columns.is_empty() {
                    self.implicit_targets.push((t, table.foreign_keys.len()));
                }
                table.foreign_keys.push(key);
            }
            TableConstraint::Check(c) => {
                let expr = expr(&c.expr);
                // PostgreSQL names a CHECK by the one column it reads, if it reads one.
                let mut read: Vec<String> = expr
                    .ast()
                    .map(crate::sql::deps::columns_read)
                    .unwrap_or_default()
                    .into_iter()
                    .map(|(_, c)| c)
                    .collect();
                read.sort();
                read.dedup();
                let column = if read.len() == 1 { read[0].as_str() } else { "" };
                let taken: Vec<&str> = table.checks.iter().map(|c| c.name.as_str()).collect();
                let name = given(&c.name).unwrap_or_else(|| chosen_name(&table.name, column, "check", &taken));
                if c.no_inherit || c.enforced == Some(false) {
                    return Err("a CHECK's NO INHERIT or NOT ENFORCED is not read by --offline".into());
                }
                let check = Check { name, expr, origin: CheckOrigin::Declared, not_valid, doc: None };
                self.schema.tables[t].checks.push(check);
            }
            other => return Err(format!("the constraint `{other}` is not read by --offline")),
        }
        Ok(())
    }

    fn alter_table(&mut self, t: usize, op: &AlterTableOperation) -> Read {
        match op {
            AlterTableOperation::AddConstraint { constraint, not_valid } => {
                self.add_constraint(t, constraint, *not_valid)
            }
            AlterTableOperation::AddColumn { column_def, .. } => self.add_column(t, column_def),
            AlterTableOperation::AlterColumn { column_name, op } => {
                let name = ident(column_name);
                if self.schema.tables[t].column(&name).is_none() {
                    return Err(format!("column {name} is not declared before"));
                }
                let column = self.column_mut(t, &name);
                match op {
                    AlterColumnOperation::SetDefault { value } => column.default = Some(default_expr(value)),
                    AlterColumnOperation::DropDefault => column.default = None,
                    AlterColumnOperation::SetNotNull => column.nullable = false,
                    AlterColumnOperation::DropNotNull => column.nullable = true,
                    AlterColumnOperation::AddGenerated { generated_as, sequence_options } => {
                        let always = generated_as.unwrap_or(GeneratedAs::Always);
                        column.identity = Some(identity(&always, sequence_options.as_deref())?);
                    }
                    other => return Err(format!("`ALTER COLUMN {name} {other}` is not read by --offline")),
                }
                Ok(())
            }
            AlterTableOperation::EnableRowLevelSecurity => {
                self.rls(t).enabled = true;
                Ok(())
            }
            AlterTableOperation::ForceRowLevelSecurity => {
                self.rls(t).force = true;
                Ok(())
            }
            // Who owns a table is not part of the model (the server import does not read it
            // either): the role applying the schema does.
            AlterTableOperation::OwnerTo { .. } => Ok(()),
            other => Err(format!("`ALTER TABLE ... {other}` is not read by --offline")),
        }
    }

    fn rls(&mut self, t: usize) -> &mut Rls {
        self.schema.tables[t].rls.get_or_insert_with(|| Rls {
            enabled: false,
            force: false,
            tenant: None,
            setting: String::new(),
            tenant_roles: Vec::new(),
            span: Span::default(),
        })
    }

    fn create_index(&mut self, i: &ast::CreateIndex) -> Read {
        if i.nulls_distinct == Some(false) || !i.index_options.is_empty() || !i.alter_options.is_empty() {
            return Err("an index's NULLS NOT DISTINCT and options other than WITH are not read by --offline".into());
        }
        let on = self.qname(&i.table_name)?;
        let keys = i.columns.iter().map(index_key).collect::<Result<Vec<_>, _>>()?;
        let name = match &i.name {
            // An index lives in its table's namespace: its name is never qualified.
            Some(n) => single(n)?,
            None => Index::chosen_name_among(&on.name, &keys, &self.schema.relation_names(&on.namespace)),
        };
        let with = i.with.iter().map(option_pair).collect::<Result<_, _>>()?;
        let index = Index {
            name,
            keys,
            method: i.using.as_ref().map_or("btree".into(), |m| m.to_string().to_lowercase()),
            unique: i.unique,
            predicate: i.predicate.as_ref().map(expr),
            include: i.include.iter().map(named).collect(),
            with,
            doc: None,
            span: Span::default(),
        };
        if let Some(t) = self.table_at(&on) {
            self.schema.tables[t].indexes.push(index);
        } else if let Some(v) = self.schema.views.iter_mut().find(|v| v.namespace == on.namespace && v.name == on.name)
        {
            v.indexes.push(index);
        } else {
            return Err(format!("{on} is not a table or view created before"));
        }
        Ok(())
    }

    fn create_view(&mut self, v: &ast::CreateView) -> Read {
        if !v.columns.is_empty() || v.temporary {
            return Err("a view's column list, and temporary views, are not read by --offline".into());
        }
        let QName { namespace, name } = self.qname(&v.name)?;
        self.schema.views.push(View {
            namespace,
            name,
            query: Expr::new(v.query.to_string(), Span::default()),
            materialized: v.materialized,
            indexes: Vec::new(),
            options: options(&v.options)?,
            with_data: true,
            triggers: Vec::new(),
            doc: v.comment.clone(),
            span: Span::default(),
        });
        Ok(())
    }

    fn create_policy(&mut self, p: &ast::CreatePolicy) -> Read {
        let t = self.table(&p.table_name)?;
        let command = match p.command {
            None | Some(CreatePolicyCommand::All) => PolicyCommand::All,
            Some(CreatePolicyCommand::Select) => PolicyCommand::Select,
            Some(CreatePolicyCommand::Insert) => PolicyCommand::Insert,
            Some(CreatePolicyCommand::Update) => PolicyCommand::Update,
            Some(CreatePolicyCommand::Delete) => PolicyCommand::Delete,
        };
        let mut to = Vec::new();
        for owner in p.to.iter().flatten() {
            match owner {
                Owner::Ident(role) if ident(role) == "public" => {}
                Owner::Ident(role) => to.push(named(role)),
                other => return Err(format!("a policy `TO {other}` is not read by --offline: name the role")),
            }
        }
        self.schema.tables[t].policies.push(Policy {
            name: ident(&p.name),
            permissive: !matches!(p.policy_type, Some(CreatePolicyType::Restrictive)),
            command,
            to,
            using: p.using.as_ref().map(expr),
            with_check: p.with_check.as_ref().map(expr),
            doc: None,
            span: Span::default(),
        });
        Ok(())
    }

    fn create_sequence(
        &mut self,
        name: &ObjectName,
        data_type: Option<&DataType>,
        options: &[AstSequenceOptions],
        owned_by: Option<&ObjectName>,
    ) -> Read {
        let QName { namespace, name } = self.qname(name)?;
        let mut o = SequenceOptions::default();
        if let Some(ty) = data_type {
            let text = type_text(ty);
            let found = SequenceType::ALL.iter().find(|(n, _)| *n == text || (text == "int" && *n == "integer"));
            o.data_type = Some(found.ok_or_else(|| format!("a sequence AS {text}: smallint, integer or bigint"))?.1);
        }
        for option in options {
            match option {
                AstSequenceOptions::IncrementBy(e, _) => o.increment = Some(number(e)?),
                AstSequenceOptions::StartWith(e, _) => o.start = Some(number(e)?),
                AstSequenceOptions::MinValue(e) => o.min = e.as_ref().map(number).transpose()?,
                AstSequenceOptions::MaxValue(e) => o.max = e.as_ref().map(number).transpose()?,
                AstSequenceOptions::Cache(e) => o.cache = Some(number(e)?),
                AstSequenceOptions::Cycle(no) => o.cycle = !no,
            }
        }
        let owned_by = match owned_by {
            None => None,
            Some(column) => {
                let parts = parts(column)?;
                let [table @ .., column] = parts.as_slice() else { return Err("OWNED BY table.column".into()) };
                let table = match table {
                    [name] => QName::new(&self.schema.namespace, name),
                    [namespace, name] => QName::new(namespace, name),
                    _ => return Err("OWNED BY table.column".into()),
                };
                let span = Span::default();
                let table = Ref { namespace: table.namespace, name: table.name, span };
                Some(OwnedBy { table, column: Named { name: column.clone(), span } })
            }
        };
        let span = Span::default();
        self.schema.sequences.push(Sequence { namespace, name, options: o, owned_by, doc: None, span });
        Ok(())
    }

    fn comment(&mut self, on: CommentObject, name: &ObjectName, doc: Option<String>) -> Read {
        let missing = |what: &str| format!("COMMENT ON {on} {name}: no {what} of that name was created before");
        match on {
            CommentObject::Schema => self.namespace(&single(name)?).doc = doc,
            CommentObject::Table => {
                let t = self.table(name)?;
                self.schema.tables[t].doc = doc;
            }
            CommentObject::Column => {
                let parts = parts(name)?;
                let [table @ .., column] = parts.as_slice() else { return Err(missing("column")) };
                let table = ObjectName::from(table.iter().map(|p| Ident::with_quote('"', p)).collect::<Vec<_>>());
                let t = self.table(&table)?;
                let Some(c) = self.schema.tables[t].columns.iter_mut().find(|c| &c.name == column) else {
                    return Err(missing("column"));
                };
                c.doc = doc;
            }
            CommentObject::View | CommentObject::MaterializedView => {
                let q = self.qname(name)?;
                let view = self.schema.views.iter_mut().find(|v| v.namespace == q.namespace && v.name == q.name);
                view.ok_or_else(|| missing("view"))?.doc = doc;
            }
            CommentObject::Type => {
                let q = self.qname(name)?;
                let s = &mut self.schema;
                if let Some(e) = s.enums.iter_mut().find(|e| e.namespace == q.namespace && e.name == q.name) {
                    e.doc = doc;
                } else if let Some(c) = s.composites.iter_mut().find(|c| c.namespace == q.namespace && c.name == q.name)
                {
                    c.doc = doc;
                } else {
                    return Err(missing("type"));
                }
            }
            CommentObject::Index => {
                let q = self.qname(name)?;
                let tables = self.schema.tables.iter_mut().filter(|t| t.namespace == q.namespace);
                let mut indexes = tables.flat_map(|t| t.indexes.iter_mut());
                indexes.find(|i| i.name == q.name).ok_or_else(|| missing("index"))?.doc = doc;
            }
            CommentObject::Sequence => {
                let q = self.qname(name)?;
                let s = self.schema.sequences.iter_mut().find(|s| s.namespace == q.namespace && s.name == q.name);
                s.ok_or_else(|| missing("sequence"))?.doc = doc;
            }
            other => return Err(format!("`COMMENT ON {other}` is not read by --offline")),
        }
        Ok(())
    }

    /// A name, qualified by the schema's default namespace when it is not.
    fn qname(&self, name: &ObjectName) -> Result<QName, String> {
        match parts(name)?.as_slice() {
            [name] => Ok(QName::new(&self.schema.namespace, name)),
            [namespace, name] => Ok(QName::new(namespace, name)),
            _ => Err(format!("`{name}`: a name is `namespace.name` at most")),
        }
    }

    /// A collation or similar name as the model keeps it: `"C"`, `namespace.name`.
    fn object_named(&self, name: &ObjectName) -> Result<Named, String> {
        let q = self.qname(name)?;
        let name = if q.namespace == self.schema.namespace { q.name } else { format!("{}.{}", q.namespace, q.name) };
        Ok(Named { name, span: Span::default() })
    }

    fn table_at(&self, q: &QName) -> Option<usize> {
        self.schema.tables.iter().position(|t| t.namespace == q.namespace && t.name == q.name)
    }

    fn table(&self, name: &ObjectName) -> Result<usize, String> {
        let q = self.qname(name)?;
        self.table_at(&q).ok_or_else(|| format!("table {q} is not created before"))
    }
}

fn named(i: &Ident) -> Named {
    Named { name: ident(i), span: Span::default() }
}

fn parts(name: &ObjectName) -> Result<Vec<String>, String> {
    name.0.iter().map(|p| p.as_ident().map(ident).ok_or_else(|| format!("`{name}` is not a name"))).collect()
}

fn single(name: &ObjectName) -> Result<String, String> {
    match parts(name)?.as_slice() {
        [one] => Ok(one.clone()),
        _ => Err(format!("`{name}`: expected a name without a namespace")),
    }
}

/// The statement's kind, for saying which kinds are not read: `CREATE FUNCTION`.
fn kind(s: &Statement) -> String {
    let text = s.to_string();
    let words: Vec<&str> = text.split_whitespace().filter(|w| !matches!(*w, "OR" | "REPLACE")).take(3).collect();
    let object = words.iter().take_while(|w| w.chars().all(|c| c.is_ascii_uppercase())).count();
    words[..object.clamp(1, 2)].join(" ")
}

/// The namespaces of `SET search_path ...` or `SELECT set_config('search_path', '...', ...)`.
fn search_path(s: &Statement) -> Option<Vec<String>> {
    let words = |e: &ast::Expr| -> Vec<String> {
        match e {
            ast::Expr::Value(v) => match &v.value {
                ast::Value::SingleQuotedString(text) => {
                    text.split(',').map(|p| p.trim().trim_matches('"').to_string()).collect()
                }
                other => vec![other.to_string()],
            },
            ast::Expr::Identifier(i) => vec![ident(i)],
            other => vec![other.to_string()],
        }
    };
    match s {
        Statement::Set(ast::Set::SingleAssignment { variable, values, .. })
            if variable.to_string().eq_ignore_ascii_case("search_path") =>
        {
            Some(values.iter().flat_map(words).collect())
        }
        Statement::Query(q) if is_set_config(q) => {
            let ast::SetExpr::Select(select) = q.body.as_ref() else { return None };
            let ast::SelectItem::UnnamedExpr(ast::Expr::Function(f)) = select.projection.first()? else { return None };
            let ast::FunctionArguments::List(list) = &f.args else { return None };
            let arg = |i: usize| match list.args.get(i) {
                Some(ast::FunctionArg::Unnamed(ast::FunctionArgExpr::Expr(e))) => Some(words(e)),
                _ => None,
            };
            (arg(0)? == ["search_path"]).then(|| arg(1)).flatten()
        }
        _ => None,
    }
}

/// `SELECT pg_catalog.set_config(...)`: pg_dump's way of emptying the search path.
fn is_set_config(q: &ast::Query) -> bool {
    let ast::SetExpr::Select(select) = q.body.as_ref() else { return false };
    let text = select.to_string().to_lowercase();
    select.from.is_empty()
        && select.projection.len() == 1
        && (text.starts_with("select pg_catalog.set_config(") || text.starts_with("select set_config("))
}

fn expr(e: &ast::Expr) -> Expr {
    Expr::new(e.to_string(), Span::default())
}

/// A column default; `nextval` of a sequence as PostgreSQL prints it, so that a serial column
/// reads back as one.
fn default_expr(e: &ast::Expr) -> Expr {
    Expr::new(e.to_string().replace("::REGCLASS)", "::regclass)"), Span::default())
}

/// The type's name as the model parses it (lower case, as `format_type` prints built-in types).
fn column_type(ty: &DataType) -> Result<ColumnType, String> {
    super::super::parse_type(&type_text(ty))
}

fn type_text(ty: &DataType) -> String {
    match ty {
        DataType::Custom(name, modifiers) => {
            let name = parts(name).map(|p| p.join(".")).unwrap_or_else(|_| name.to_string());
            if modifiers.is_empty() { name } else { format!("{name}({})", modifiers.join(",")) }
        }
        DataType::Array(ArrayElemTypeDef::SquareBracket(inner, _)) => format!("{}[]", type_text(inner)),
        other => other.to_string().to_lowercase(),
    }
}

/// `PARTITION BY RANGE (a, b)`, which sqlparser reads as a call of `RANGE`.
fn partitioning(by: &ast::Expr) -> Result<Partitioning, String> {
    let bad = || format!("`PARTITION BY {by}` is not read by --offline");
    let ast::Expr::Function(f) = by else { return Err(bad()) };
    let method = f.name.to_string().to_lowercase();
    let method = PartitionMethod::ALL.iter().find(|(n, _)| *n == method).ok_or_else(bad)?.1;
    let ast::FunctionArguments::List(list) = &f.args else { return Err(bad()) };
    let key = list
        .args
        .iter()
        .map(|a| match a {
            ast::FunctionArg::Unnamed(ast::FunctionArgExpr::Expr(ast::Expr::Identifier(i))) => {
                Ok(IndexTarget::Column(named(i)))
            }
            ast::FunctionArg::Unnamed(ast::FunctionArgExpr::Expr(e)) => Ok(IndexTarget::Expr(expr(e))),
            _ => Err(bad()),
        })
        .collect::<Result<_, _>>()?;
    let (partitions, retention, managed_by, span) = (Vec::new(), None, None, Span::default());
    Ok(Partitioning { method, key, partitions, retention, managed_by, premake: None, archive: None, span })
}

fn bounds(values: &[PartitionBoundValue]) -> Result<Vec<String>, String> {
    values
        .iter()
        .map(|v| match v {
            PartitionBoundValue::Expr(e) => Ok(e.to_string()),
            _ => Err("MINVALUE and MAXVALUE bounds are not read by --offline".to_string()),
        })
        .collect()
}

fn index_key(c: &IndexColumn) -> Result<IndexKey, String> {
    let target = match &c.column.expr {
        ast::Expr::Identifier(i) => IndexTarget::Column(named(i)),
        // PostgreSQL writes an expression key in parentheses; the model keeps the expression.
        ast::Expr::Nested(e) => IndexTarget::Expr(expr(e)),
        e => IndexTarget::Expr(expr(e)),
    };
    let descending = match &c.column.options.sort {
        None | Some(OrderBySort::Asc) => false,
        Some(OrderBySort::Desc) => true,
        Some(other) => return Err(format!("an index key ordered by `{other:?}`")),
    };
    let nulls_first = c.column.options.nulls_first.filter(|first| *first != descending);
    Ok(IndexKey { target, opclass: c.operator_class.as_ref().map(ToString::to_string), descending, nulls_first })
}

/// `WITH (name = value, ...)` of a table, view or index.
fn options(o: &CreateTableOptions) -> Result<Vec<(String, String)>, String> {
    match o {
        CreateTableOptions::None => Ok(Vec::new()),
        CreateTableOptions::With(list) => list
            .iter()
            .map(|o| match o {
                SqlOption::KeyValue { key, value } => Ok((ident(key), value_text(value))),
                other => Err(format!("the option `{other}` is not read by --offline")),
            })
            .collect(),
        other => Err(format!("the options `{other}` are not read by --offline")),
    }
}

fn option_pair(e: &ast::Expr) -> Result<(String, String), String> {
    match e {
        ast::Expr::BinaryOp { left, op: ast::BinaryOperator::Eq, right } => match left.as_ref() {
            ast::Expr::Identifier(key) => Ok((ident(key), value_text(right))),
            _ => Err(format!("the option `{e}` is not read by --offline")),
        },
        _ => Err(format!("the option `{e}` is not read by --offline")),
    }
}

/// An option's value as the model keeps it: a word or number as written, a string's contents.
fn value_text(e: &ast::Expr) -> String {
    match e {
        ast::Expr::Value(v) => match &v.value {
            ast::Value::SingleQuotedString(s) => s.clone(),
            other => other.to_string(),
        },
        ast::Expr::Identifier(i) => ident(i),
        other => other.to_string(),
    }
}

fn number(e: &ast::Expr) -> Result<i64, String> {
    e.to_string().replace(' ', "").parse().map_err(|_| format!("`{e}` is not a whole number"))
}

fn identity(always: &GeneratedAs, options: Option<&[AstSequenceOptions]>) -> Result<Identity, String> {
    if options.is_some_and(|o| !o.is_empty()) {
        return Err("an identity column's sequence options are not read by --offline".into());
    }
    let always = match always {
        GeneratedAs::Always => true,
        GeneratedAs::ByDefault => false,
        GeneratedAs::ExpStored => return Err("`GENERATED ... STORED` without an expression".into()),
    };
    Ok(Identity { always, options: SequenceOptions::default(), span: Span::default() })
}

fn action(a: ast::ReferentialAction) -> FkAction {
    match a {
        ast::ReferentialAction::Restrict => FkAction::Restrict,
        ast::ReferentialAction::Cascade => FkAction::Cascade,
        ast::ReferentialAction::SetNull => FkAction::SetNull,
        ast::ReferentialAction::NoAction => FkAction::NoAction,
        ast::ReferentialAction::SetDefault => FkAction::SetDefault,
    }
}

fn deferrable(c: Option<&ast::ConstraintCharacteristics>) -> Deferrable {
    let Some(c) = c else { return Deferrable::No };
    match (c.deferrable, c.initially) {
        (Some(true), Some(ast::DeferrableInitial::Deferred)) => Deferrable::Deferred,
        (Some(true), _) => Deferrable::Immediate,
        _ => Deferrable::No,
    }
}

fn set_name(c: &mut TableConstraint, name: Option<Ident>) {
    match c {
        TableConstraint::PrimaryKey(c) => c.name = name,
        TableConstraint::Unique(c) => c.name = name,
        TableConstraint::ForeignKey(c) => c.name = name,
        TableConstraint::Check(c) => c.name = name,
        _ => {}
    }
}
