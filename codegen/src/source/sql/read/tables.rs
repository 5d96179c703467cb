//! Tables as a script makes and alters them: columns, constraints, partitions, indexes.

use super::*;

impl Reader {
    pub(super) fn create_table(&mut self, c: &ast::CreateTable) -> Read {
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
    pub(super) fn create_partition(&mut self, q: QName, parent: &ObjectName, c: &ast::CreateTable) -> Read {
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
            storage: options(&c.table_options)?,
            ..Partition::new(&q.namespace, q.name, bound, Span::default())
        };
        let table = &mut self.schema.tables[t];
        let Some(p) = table.partition.as_mut() else {
            return Err(format!("{} is not partitioned (PARTITION BY)", table.name));
        };
        p.partitions.push(partition);
        Ok(())
    }

    pub(super) fn add_column(&mut self, t: usize, def: &ColumnDef) -> Read {
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

    pub(super) fn column_mut(&mut self, t: usize, name: &str) -> &mut Column {
        let table = &mut self.schema.tables[t];
        let at = table.columns.iter().position(|c| c.name == name).expect("the column was added");
        &mut table.columns[at]
    }

    pub(super) fn add_constraint(&mut self, t: usize, c: &TableConstraint, not_valid: bool) -> Read {
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

    pub(super) fn alter_table(&mut self, t: usize, op: &AlterTableOperation) -> Read {
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

    pub(super) fn create_index(&mut self, i: &ast::CreateIndex) -> Read {
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
            nulls_not_distinct: i.nulls_distinct == Some(false),
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
}

/// `PARTITION BY RANGE (a, b)`, which sqlparser reads as a call of `RANGE`.
pub(super) fn partitioning(by: &ast::Expr) -> Result<Partitioning, String> {
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

pub(super) fn bounds(values: &[PartitionBoundValue]) -> Result<Vec<String>, String> {
    values
        .iter()
        .map(|v| match v {
            PartitionBoundValue::Expr(e) => Ok(e.to_string()),
            _ => Err("MINVALUE and MAXVALUE bounds are not read by --offline".to_string()),
        })
        .collect()
}

pub(super) fn index_key(c: &IndexColumn) -> Result<IndexKey, String> {
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
pub(super) fn options(o: &CreateTableOptions) -> Result<Vec<(String, String)>, String> {
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

pub(super) fn option_pair(e: &ast::Expr) -> Result<(String, String), String> {
    match e {
        ast::Expr::BinaryOp { left, op: ast::BinaryOperator::Eq, right } => match left.as_ref() {
            ast::Expr::Identifier(key) => Ok((ident(key), value_text(right))),
            _ => Err(format!("the option `{e}` is not read by --offline")),
        },
        _ => Err(format!("the option `{e}` is not read by --offline")),
    }
}

/// An option's value as the model keeps it: a word or number as written, a string's contents.
pub(super) fn value_text(e: &ast::Expr) -> String {
    match e {
        ast::Expr::Value(v) => match &v.value {
            ast::Value::SingleQuotedString(s) => s.clone(),
            other => other.to_string(),
        },
        ast::Expr::Identifier(i) => ident(i),
        other => other.to_string(),
    }
}

pub(super) fn number(e: &ast::Expr) -> Result<i64, String> {
    e.to_string().replace(' ', "").parse().map_err(|_| format!("`{e}` is not a whole number"))
}

pub(super) fn identity(always: &GeneratedAs, options: Option<&[AstSequenceOptions]>) -> Result<Identity, String> {
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

pub(super) fn action(a: ast::ReferentialAction) -> FkAction {
    match a {
        ast::ReferentialAction::Restrict => FkAction::Restrict,
        ast::ReferentialAction::Cascade => FkAction::Cascade,
        ast::ReferentialAction::SetNull => FkAction::SetNull,
        ast::ReferentialAction::NoAction => FkAction::NoAction,
        ast::ReferentialAction::SetDefault => FkAction::SetDefault,
    }
}

pub(super) fn deferrable(c: Option<&ast::ConstraintCharacteristics>) -> Deferrable {
    let Some(c) = c else { return Deferrable::No };
    match (c.deferrable, c.initially) {
        (Some(true), Some(ast::DeferrableInitial::Deferred)) => Deferrable::Deferred,
        (Some(true), _) => Deferrable::Immediate,
        _ => Deferrable::No,
    }
}

pub(super) fn set_name(c: &mut TableConstraint, name: Option<Ident>) {
    match c {
        TableConstraint::PrimaryKey(c) => c.name = name,
        TableConstraint::Unique(c) => c.name = name,
        TableConstraint::ForeignKey(c) => c.name = name,
        TableConstraint::Check(c) => c.name = name,
        _ => {}
    }
}
