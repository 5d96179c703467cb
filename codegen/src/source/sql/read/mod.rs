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

mod objects;
mod tables;

use objects::*;
use tables::*;

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
        self.schema.table_position(q)
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
