//! CHECK expressions in Rust: the translatable subset (comparisons, AND/OR/NOT, IS [NOT] NULL,
//! IN, BETWEEN, arithmetic, literals, columns) becomes an expression over the insert struct (a
//! table's CHECK) or over the newtype's value (a domain's, reading `VALUE`) with SQL's
//! three-valued logic (`strata::sql_value`); anything else stays with the database, and the
//! generated code says so.

use sqlparser::ast::{BinaryOperator, Expr, UnaryOperator, Value};

use super::field;
use crate::model::{Column, Table};

/// A Rust expression of type `Option<bool>` for the CHECK `e` over `columns`, or `None`.
pub fn translate(e: &crate::model::Expr, t: &Table, columns: &[&Column]) -> Option<String> {
    Translator { scope: Scope::Row { t, columns } }.boolean(e.ast()?)
}

/// The same for a patch that sets every column the CHECK reads: each column `c` is read from
/// the binding [`patch_binding`]`(c)`, which holds what the patch sets it to. `None` as well
/// when the CHECK reads a column outside `columns`.
pub fn translate_patch(e: &crate::model::Expr, t: &Table, columns: &[&Column]) -> Option<String> {
    Translator { scope: Scope::Patch { t, columns } }.boolean(e.ast()?)
}

/// The local variable a patch's value of `column` is bound to while its CHECKs are tested.
pub fn patch_binding(column: &str) -> String {
    format!("set_{}", field(column).trim_start_matches("r#"))
}

/// The same for a domain's CHECK, whose `VALUE` is the newtype's `self.0`.
pub fn translate_domain(e: &crate::model::Expr) -> Option<String> {
    Translator { scope: Scope::Value }.boolean(e.ast()?)
}

/// What names in the expression read.
enum Scope<'a> {
    /// The columns of a table's insert struct.
    Row { t: &'a Table, columns: &'a [&'a Column] },
    /// The columns a patch sets, each bound to a local variable.
    Patch { t: &'a Table, columns: &'a [&'a Column] },
    /// `VALUE`, in a domain's CHECK.
    Value,
}

struct Translator<'a> {
    scope: Scope<'a>,
}

const V: &str = "strata::sql_value::Value";

impl Translator<'_> {
    fn boolean(&self, e: &Expr) -> Option<String> {
        Some(match e {
            Expr::Nested(inner) => self.boolean(inner)?,
            Expr::BinaryOp { left, op: BinaryOperator::And, right } => {
                format!("strata::sql_value::and({}, {})", self.boolean(left)?, self.boolean(right)?)
            }
            Expr::BinaryOp { left, op: BinaryOperator::Or, right } => {
                format!("strata::sql_value::or({}, {})", self.boolean(left)?, self.boolean(right)?)
            }
            Expr::BinaryOp { left, op, right } => {
                let op = match op {
                    BinaryOperator::Eq => "=",
                    BinaryOperator::NotEq => "<>",
                    BinaryOperator::Lt => "<",
                    BinaryOperator::LtEq => "<=",
                    BinaryOperator::Gt => ">",
                    BinaryOperator::GtEq => ">=",
                    _ => return None,
                };
                // `(a = b) = (c IS NULL)`: booleans compare as values too.
                let side = |x: &Expr| {
                    self.value(x).or_else(|| self.boolean(x).map(|b| format!("{b}.map_or({V}::Null, {V}::Bool)")))
                };
                format!("({}).compare({op:?}, &({}))", side(left)?, side(right)?)
            }
            Expr::UnaryOp { op: UnaryOperator::Not, expr } => format!("({}).map(|b| !b)", self.boolean(expr)?),
            Expr::IsNull(x) => format!("({}).is_null()", self.value(x)?),
            Expr::IsNotNull(x) => format!("({}).is_null().map(|b| !b)", self.value(x)?),
            Expr::InList { expr, list, negated } => {
                let items: Option<Vec<String>> = list.iter().map(|i| self.value(i)).collect();
                let test = format!("strata::sql_value::in_list(&({}), &[{}])", self.value(expr)?, items?.join(", "));
                if *negated { format!("{test}.map(|b| !b)") } else { test }
            }
            Expr::Between { expr, negated, low, high } => {
                let x = self.value(expr)?;
                let test = format!(
                    "strata::sql_value::and(({x}).compare(\">=\", &({})), ({x}).compare(\"<=\", &({})))",
                    self.value(low)?,
                    self.value(high)?
                );
                if *negated { format!("{test}.map(|b| !b)") } else { test }
            }
            Expr::Value(v) => match &v.value {
                Value::Boolean(b) => format!("Some({b})"),
                _ => return None,
            },
            Expr::Identifier(_) => format!("({}).truth()", self.value(e)?),
            _ => return None,
        })
    }

    fn value(&self, e: &Expr) -> Option<String> {
        Some(match e {
            Expr::Nested(inner) => self.value(inner)?,
            Expr::Identifier(id) => {
                let name = crate::sql::deps::folded(id);
                match self.scope {
                    Scope::Value if name == "value" => format!("{V}::of(&self.0)"),
                    Scope::Value => return None,
                    Scope::Patch { columns, .. } => {
                        let c = columns.iter().find(|c| c.name == name)?;
                        format!("{V}::of({})", patch_binding(&c.name))
                    }
                    Scope::Row { columns, .. } => {
                        let c = columns.iter().find(|c| c.name == name)?;
                        let f = field(&c.name);
                        if c.has_default() {
                            format!("{V}::or_default(&self.{f})")
                        } else {
                            format!("{V}::of(&self.{f})")
                        }
                    }
                }
            }
            Expr::CompoundIdentifier(parts)
                if parts.len() == 2
                    && matches!(self.scope, Scope::Row { t, .. } | Scope::Patch { t, .. } if parts[0].value == t.name) =>
            {
                self.value(&Expr::Identifier(parts[1].clone()))?
            }
            Expr::Value(v) => match &v.value {
                Value::Number(n, _) => format!("{V}::num({n:?})"),
                Value::SingleQuotedString(s) => format!("{V}::text({s:?})"),
                Value::Boolean(b) => format!("{V}::Bool({b})"),
                Value::Null => format!("{V}::Null"),
                _ => return None,
            },
            Expr::UnaryOp { op: UnaryOperator::Minus, expr } => match expr.as_ref() {
                Expr::Value(v) => match &v.value {
                    Value::Number(n, _) => format!("{V}::num({:?})", format!("-{n}")),
                    _ => return None,
                },
                _ => return None,
            },
            Expr::BinaryOp { left, op, right } => {
                let op = match op {
                    BinaryOperator::Plus => "+",
                    BinaryOperator::Minus => "-",
                    BinaryOperator::Multiply => "*",
                    BinaryOperator::Divide => "/",
                    _ => return None,
                };
                format!("({}).arith({op:?}, &({}))", self.value(left)?, self.value(right)?)
            }
            _ => return None,
        })
    }
}
