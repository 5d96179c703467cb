//! Everything but tables: namespaces, types, views, policies, sequences, comments, the search path.

use super::*;

impl Reader {
    pub(super) fn create_schema(&mut self, name: &ast::SchemaName) -> Read {
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
    pub(super) fn namespace(&mut self, name: &str) -> &mut Namespace {
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

    pub(super) fn create_type(&mut self, name: &ObjectName, r: &UserDefinedTypeRepresentation) -> Read {
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

    pub(super) fn rls(&mut self, t: usize) -> &mut Rls {
        self.schema.tables[t].rls.get_or_insert_with(|| Rls {
            enabled: false,
            force: false,
            tenant: None,
            setting: String::new(),
            tenant_roles: Vec::new(),
            span: Span::default(),
        })
    }

    pub(super) fn create_view(&mut self, v: &ast::CreateView) -> Read {
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

    pub(super) fn create_policy(&mut self, p: &ast::CreatePolicy) -> Read {
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

    pub(super) fn create_sequence(
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

    pub(super) fn comment(&mut self, on: CommentObject, name: &ObjectName, doc: Option<String>) -> Read {
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
                if let Some(e) = s.enum_position(&q) {
                    s.enums[e].doc = doc;
                } else if let Some(c) = s.composite_position(&q) {
                    s.composites[c].doc = doc;
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
}

/// The namespaces of `SET search_path ...` or `SELECT set_config('search_path', '...', ...)`.
pub(super) fn search_path(s: &Statement) -> Option<Vec<String>> {
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
pub(super) fn is_set_config(q: &ast::Query) -> bool {
    let ast::SetExpr::Select(select) = q.body.as_ref() else { return false };
    let text = select.to_string().to_lowercase();
    select.from.is_empty()
        && select.projection.len() == 1
        && (text.starts_with("select pg_catalog.set_config(") || text.starts_with("select set_config("))
}
