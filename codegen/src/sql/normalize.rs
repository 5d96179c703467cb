//! One spelling per SQL expression, so that an expression as declared and as PostgreSQL prints
//! it back (`pg_get_expr`, `pg_get_constraintdef`) compare equal when they mean the same. The
//! reverse sources and the differ compare expressions only through `expr`.
//!
//! PostgreSQL's printer adds casts to literals (`'a'::text`, `'-1'::integer`, `'x'::regclass`)
//! and to text-like operands (`(status)::text`), writes `IN (...)` as `= ANY (ARRAY[...])`,
//! `BETWEEN` as two comparisons, `LIKE` as `~~`, `CURRENT_TIMESTAMP` as `now()` (in defaults)
//! and parenthesizes every operation; each of these is undone here, on both sides.

use std::ops::ControlFlow;

use sqlparser::ast::{
    self, BinaryOperator, CastKind, DataType, Expr, Ident, ObjectNamePart, Select, TableFactor, UnaryOperator, Value,
    ValueWithSpan, VisitMut, VisitorMut,
};
use sqlparser::dialect::PostgreSqlDialect;
use sqlparser::parser::Parser;

/// The canonical text of an SQL expression, or `None` when sqlparser cannot read it (the
/// caller then compares the texts as they are).
pub fn expr(sql: &str) -> Option<String> {
    // Remembered per thread: a comparison normalizes both sides, and schemas repeat their
    // expressions (`now()`, `gen_random_uuid()`); verify normalizes each several times.
    thread_local! {
        static SEEN: std::cell::RefCell<std::collections::HashMap<String, Option<String>>> = Default::default();
    }
    if let Some(known) = SEEN.with(|seen| seen.borrow().get(sql).cloned()) {
        return known;
    }
    // `trim(x)` is printed `TRIM(BOTH FROM x)`, which sqlparser (0.63) cannot read.
    let text = sql.replace("TRIM(BOTH FROM ", "TRIM(");
    let canonical = Parser::new(&PostgreSqlDialect {}).try_with_sql(&text).ok().and_then(|mut p| {
        let mut e = p.parse_expr().ok()?;
        canonicalize(&mut e);
        Some(e.to_string())
    });
    SEEN.with(|seen| {
        let mut seen = seen.borrow_mut();
        if seen.len() > 100_000 {
            seen.clear();
        }
        seen.insert(sql.to_string(), canonical.clone());
    });
    canonical
}

/// The canonical text of a query (a view's), as `expr` for each expression in it.
pub fn query(sql: &str) -> Option<String> {
    let sql = sql.replace("TRIM(BOTH FROM ", "TRIM(");
    let mut q =
        Parser::new(&PostgreSqlDialect {}).try_with_sql(sql.trim().trim_end_matches(';')).ok()?.parse_query().ok()?;
    canonicalize(q.as_mut());
    Some(q.to_string())
}

/// `sql` with each `x = ANY (ARRAY[...])` PostgreSQL printed for an `IN` list written back as
/// `x IN (...)`, the casts it added to the operand and the items dropped; `None` when there is
/// none. Applied again, the `IN` list is stored as before, where the printed form would keep the
/// casts (`ARRAY[('a'::varchar)::text]` instead of `(ARRAY['a'::varchar])::text[]`).
pub fn in_lists(sql: &str) -> Option<String> {
    let mut e = Parser::new(&PostgreSqlDialect {}).try_with_sql(sql).ok()?.parse_expr().ok()?;
    let mut changed = false;
    let _ = ast::visit_expressions_mut(&mut e, |e| {
        if let Expr::AnyOp { left, compare_op: BinaryOperator::Eq, right, .. } = e
            && let Some(items) = array_items(right)
        {
            let list = items.into_iter().map(|item| strip(item, true)).collect();
            let left = strip(std::mem::replace(left.as_mut(), Expr::Value(Value::Null.into())), false);
            *e = Expr::InList { expr: Box::new(left), list, negated: false };
            changed = true;
        }
        ControlFlow::<()>::Continue(())
    });
    changed.then(|| e.to_string())
}

/// The items of `ARRAY[...]`, possibly parenthesized and cast to an array type.
fn array_items(e: &Expr) -> Option<Vec<Expr>> {
    match e {
        Expr::Nested(inner) => array_items(inner),
        Expr::Cast { expr, .. } => array_items(expr),
        Expr::Array(array) => Some(array.elem.clone()),
        _ => None,
    }
}

/// An operand without the parentheses and casts the printer added: an item's when they cast a
/// literal (however many), the tested expression's when they cast a column to text.
fn strip(e: Expr, item: bool) -> Expr {
    let mut core = &e;
    while let Expr::Nested(inner) | Expr::Cast { expr: inner, .. } = core {
        core = inner;
    }
    if item && matches!(core, Expr::Value(_)) {
        return core.clone();
    }
    match e {
        Expr::Nested(inner) => strip(*inner, item),
        Expr::Cast { expr, data_type: DataType::Text, .. }
            if !item && matches!(strip(*expr.clone(), item), Expr::Identifier(_) | Expr::CompoundIdentifier(_)) =>
        {
            strip(*expr, item)
        }
        other => other,
    }
}

fn canonicalize<T: VisitMut>(node: &mut T) {
    let _ = node.visit(&mut Subqueries);
    let _ = ast::visit_expressions_mut(node, |e| {
        canonical(e);
        ControlFlow::<()>::Continue(())
    });
    // Parentheses went with the rest: put them back around every operand that is not atomic,
    // so the text says exactly what the tree does.
    let _ = ast::visit_expressions_mut(node, |e| {
        parenthesize(e);
        ControlFlow::<()>::Continue(())
    });
}

fn parenthesize(e: &mut Expr) {
    let wrap = |x: &mut Box<Expr>| {
        let atomic = matches!(
            x.as_ref(),
            Expr::Identifier(_) | Expr::CompoundIdentifier(_) | Expr::Value(_) | Expr::Function(_) | Expr::Nested(_)
        );
        if !atomic {
            let inner = std::mem::replace(x.as_mut(), Expr::Value(Value::Null.into()));
            **x = Expr::Nested(Box::new(inner));
        }
    };
    match e {
        Expr::BinaryOp { left, right, .. } => {
            wrap(left);
            wrap(right);
        }
        Expr::UnaryOp { expr, .. }
        | Expr::IsNull(expr)
        | Expr::IsNotNull(expr)
        | Expr::IsTrue(expr)
        | Expr::IsFalse(expr)
        | Expr::InList { expr, .. }
        | Expr::Cast { expr, .. } => wrap(expr),
        _ => {}
    }
}

/// Subqueries as PostgreSQL prints them back: joins nested in parentheses (`FROM ((a JOIN b)
/// JOIN c)`), and columns qualified with the one table of their FROM. Both are undone.
struct Subqueries;

impl VisitorMut for Subqueries {
    type Break = ();

    /// ORDER BY belongs to the query: its columns lose the one table's qualifier too.
    fn pre_visit_query(&mut self, query: &mut ast::Query) -> ControlFlow<()> {
        if let ast::SetExpr::Select(select) = query.body.as_ref()
            && let Some(table) = single_table(select)
            && let Some(order_by) = &mut query.order_by
        {
            let _ = ast::visit_expressions_mut(order_by, |e| {
                unqualify(e, &table);
                ControlFlow::<()>::Continue(())
            });
        }
        ControlFlow::Continue(())
    }

    fn pre_visit_select(&mut self, select: &mut Select) -> ControlFlow<()> {
        for from in &mut select.from {
            while let TableFactor::NestedJoin { table_with_joins, alias: None } = &mut from.relation {
                let inner = std::mem::replace(
                    table_with_joins.as_mut(),
                    ast::TableWithJoins {
                        relation: TableFactor::Table {
                            name: ast::ObjectName::from(Vec::<Ident>::new()),
                            alias: None,
                            args: None,
                            with_hints: Vec::new(),
                            version: None,
                            with_ordinality: false,
                            partitions: Vec::new(),
                            json_path: None,
                            sample: None,
                            index_hints: Vec::new(),
                        },
                        joins: Vec::new(),
                    },
                );
                from.relation = inner.relation;
                from.joins.splice(0..0, inner.joins);
            }
        }
        if let Some(table) = single_table(select) {
            let _ = ast::visit_expressions_mut(select, |e| {
                unqualify(e, &table);
                ControlFlow::<()>::Continue(())
            });
        }
        ControlFlow::Continue(())
    }
}

/// The one table of a FROM without joins or alias, whose name PostgreSQL qualifies columns with.
fn single_table(select: &Select) -> Option<String> {
    match select.from.as_slice() {
        [ast::TableWithJoins { relation: TableFactor::Table { name, alias: None, .. }, joins }] if joins.is_empty() => {
            match name.0.last() {
                Some(ObjectNamePart::Identifier(table)) => Some(table.value.clone()),
                _ => None,
            }
        }
        _ => None,
    }
}

fn unqualify(e: &mut Expr, table: &str) {
    if let Expr::CompoundIdentifier(parts) = e
        && let [qualifier, column] = parts.as_slice()
        && qualifier.value == table
    {
        *e = Expr::Identifier(column.clone());
    }
}

/// A routine's argument or result types with what PostgreSQL does not keep of them: it drops
/// type modifiers (`varchar(255)` is `character varying`) and prints its own names.
pub fn routine_types(text: &str) -> String {
    let mut out = String::new();
    let lower = text.to_lowercase();
    let mut chars = lower.chars().peekable();
    while let Some(c) = chars.next() {
        // A modifier: `(` right after a type name, then digits, commas and spaces, `)`.
        if c == '('
            && out.ends_with(|p: char| p.is_ascii_alphabetic())
            && chars.peek().is_some_and(char::is_ascii_digit)
        {
            chars.by_ref().find(|&d| d == ')');
        } else {
            out.push(c);
        }
    }
    let spaced = out.split_whitespace().collect::<Vec<_>>().join(" ");
    [
        ("character varying", "varchar"),
        ("timestamp with time zone", "timestamptz"),
        ("timestamp without time zone", "timestamp"),
        ("time without time zone", "time"),
        ("double precision", "float8"),
        ("character", "char"),
        ("integer", "int4"),
        ("bigint", "int8"),
        ("smallint", "int2"),
        ("boolean", "bool"),
        ("decimal", "numeric"),
        ("table (", "table("),
    ]
    .iter()
    .fold(spaced, |t, (from, to)| t.replace(from, to))
}

/// Whether two expressions mean the same by `expr` (or, unreadable, are the same text).
pub fn same(a: &str, b: &str) -> bool {
    if a == b {
        return true;
    }
    match (expr(a), expr(b)) {
        (Some(a), Some(b)) => a == b,
        _ => a.trim() == b.trim(),
    }
}

/// Rewrites one node whose children are canonical already (the visit is post-order).
fn canonical(e: &mut Expr) {
    let placeholder = || Expr::Value(Value::Null.into());
    match e {
        Expr::Nested(inner) => *e = std::mem::replace(inner.as_mut(), placeholder()),
        Expr::Cast { kind: CastKind::DoubleColon | CastKind::Cast, expr: inner, data_type, .. } => {
            if let Some(uncast) = uncast(inner, data_type) {
                *e = uncast;
            }
        }
        Expr::Interval(i) if i.leading_field.is_none() && i.last_field.is_none() => {
            if let Expr::Value(v) = i.value.as_ref() {
                *e = Expr::Value(interval_value(&v.value).into());
            }
        }
        Expr::UnaryOp { op: UnaryOperator::Minus, expr: inner } => {
            if let Expr::Value(ValueWithSpan { value: Value::Number(n, long), .. }) = inner.as_ref() {
                *e = Expr::Value(Value::Number(format!("-{n}"), *long).into());
            }
        }
        Expr::AnyOp { left, compare_op: BinaryOperator::Eq, right, .. } => {
            if let Expr::Array(array) = right.as_ref() {
                let list = array.elem.clone();
                *e = Expr::InList {
                    expr: Box::new(std::mem::replace(left.as_mut(), placeholder())),
                    list,
                    negated: false,
                };
            }
        }
        Expr::AllOp { left, compare_op: BinaryOperator::NotEq, right } => {
            if let Expr::Array(array) = right.as_ref() {
                let list = array.elem.clone();
                *e = Expr::InList {
                    expr: Box::new(std::mem::replace(left.as_mut(), placeholder())),
                    list,
                    negated: true,
                };
            }
        }
        Expr::Between { expr: x, negated: false, low, high } => {
            let (x, low, high) = (x.as_ref().clone(), low.as_ref().clone(), high.as_ref().clone());
            let compare = |op, right| Expr::BinaryOp { left: Box::new(x.clone()), op, right: Box::new(right) };
            *e = Expr::BinaryOp {
                left: Box::new(compare(BinaryOperator::GtEq, low)),
                op: BinaryOperator::And,
                right: Box::new(compare(BinaryOperator::LtEq, high)),
            };
        }
        Expr::Like { negated, any: false, expr: x, pattern, escape_char: None }
        | Expr::ILike { negated, any: false, expr: x, pattern, escape_char: None } => {
            let negated = *negated;
            let (left, right) = (x.as_ref().clone(), pattern.as_ref().clone());
            let op = match (matches!(e, Expr::ILike { .. }), negated) {
                (false, false) => BinaryOperator::PGLikeMatch,
                (false, true) => BinaryOperator::PGNotLikeMatch,
                (true, false) => BinaryOperator::PGILikeMatch,
                (true, true) => BinaryOperator::PGNotILikeMatch,
            };
            *e = Expr::BinaryOp { left: Box::new(left), op, right: Box::new(right) };
        }
        // `CASE ... END` is printed `CASE ... ELSE NULL END`.
        Expr::Case { else_result, .. }
            if matches!(else_result.as_deref(), Some(Expr::Value(ValueWithSpan { value: Value::Null, .. }))) =>
        {
            *else_result = None
        }
        Expr::Identifier(id) => fold(id),
        Expr::CompoundIdentifier(parts) => parts.iter_mut().for_each(fold),
        Expr::Function(f) => {
            for part in &mut f.name.0 {
                if let ObjectNamePart::Identifier(id) = part {
                    fold(id);
                }
            }
            let name = f.name.to_string();
            if name == "current_timestamp" && matches!(f.args, ast::FunctionArguments::None) {
                f.name = ast::ObjectName::from(vec![Ident::new("now")]);
                f.args = ast::FunctionArguments::List(ast::FunctionArgumentList {
                    duplicate_treatment: None,
                    args: Vec::new(),
                    clauses: Vec::new(),
                });
            }
        }
        _ => {}
    }
}

/// What a cast comes to when it changes nothing the comparison needs: a literal's cast (the
/// type it gets from where it stands), and a text-like operand's cast to another text type.
fn uncast(inner: &mut Expr, ty: &DataType) -> Option<Expr> {
    match inner {
        Expr::Value(v) if matches!(ty, DataType::Interval { fields: None, precision: None }) => {
            Some(Expr::Value(interval_value(&v.value).into()))
        }
        Expr::Value(ValueWithSpan { value: Value::SingleQuotedString(s), .. }) if numeric(ty) => {
            Some(match s.parse::<f64>() {
                Ok(_) => Expr::Value(Value::Number(s.clone(), false).into()),
                Err(_) => inner.clone(),
            })
        }
        Expr::Value(_) => Some(inner.clone()),
        // `ARRAY[]::text[]` is printed back as `'{}'::text[]`.
        Expr::Array(a) if a.elem.is_empty() => Some(Expr::Value(Value::SingleQuotedString("{}".into()).into())),
        _ if text_like(ty) => Some(inner.clone()),
        _ => None,
    }
}

/// An interval constant as the value PostgreSQL stores (months, days, microseconds), so that
/// `interval '1000 seconds'` and `'00:16:40'::interval` are one spelling; text it does not
/// read stays as it is.
fn interval_value(v: &Value) -> Value {
    match v {
        Value::SingleQuotedString(text) => match interval(text) {
            Some((months, days, micros)) => Value::SingleQuotedString(format!("@interval {months} {days} {micros}")),
            None => v.clone(),
        },
        _ => v.clone(),
    }
}

/// PostgreSQL's interval input for its common forms: `N unit` pairs (integer years and months,
/// decimal weeks, days, hours, minutes, seconds and smaller; fractions carried down as
/// PostgreSQL carries them, a month being 30 days) and a `[-]HH:MM[:SS[.f]]` time.
fn interval(text: &str) -> Option<(i64, i64, i64)> {
    const DAY: f64 = 86_400_000_000.0;
    let (mut months, mut days, mut micros) = (0i64, 0i64, 0f64);
    let words: Vec<&str> = text.split_whitespace().collect();
    let mut i = 0;
    while i < words.len() {
        let word = words[i];
        if word.contains(':') {
            let (sign, clock) = match word.strip_prefix('-') {
                Some(rest) => (-1.0, rest),
                None => (1.0, word.strip_prefix('+').unwrap_or(word)),
            };
            let parts: Vec<f64> = clock.split(':').map(|p| p.parse::<f64>().ok()).collect::<Option<_>>()?;
            let seconds = match parts.as_slice() {
                [h, m] => h * 3600.0 + m * 60.0,
                [h, m, s] => h * 3600.0 + m * 60.0 + s,
                _ => return None,
            };
            micros += sign * seconds * 1e6;
            i += 1;
            continue;
        }
        let amount: f64 = word.parse().ok()?;
        let unit = words.get(i + 1)?.to_ascii_lowercase();
        match unit.as_str() {
            "year" | "years" | "yr" | "yrs" | "y" if amount.fract() == 0.0 => months += 12 * amount as i64,
            "mon" | "mons" | "month" | "months" if amount.fract() == 0.0 => months += amount as i64,
            "week" | "weeks" | "w" => {
                let d = amount * 7.0;
                days += d.trunc() as i64;
                micros += d.fract() * DAY;
            }
            "day" | "days" | "d" => {
                days += amount.trunc() as i64;
                micros += amount.fract() * DAY;
            }
            "hour" | "hours" | "hr" | "hrs" | "h" => micros += amount * 3_600_000_000.0,
            "minute" | "minutes" | "min" | "mins" | "m" => micros += amount * 60_000_000.0,
            "second" | "seconds" | "sec" | "secs" | "s" => micros += amount * 1_000_000.0,
            "millisecond" | "milliseconds" | "ms" | "msec" | "msecs" => micros += amount * 1_000.0,
            "microsecond" | "microseconds" | "us" | "usec" | "usecs" => micros += amount,
            _ => return None,
        }
        i += 2;
    }
    (i > 0).then_some((months, days, micros.round() as i64))
}

fn numeric(ty: &DataType) -> bool {
    matches!(
        ty,
        DataType::Int(_)
            | DataType::Integer(_)
            | DataType::BigInt(_)
            | DataType::SmallInt(_)
            | DataType::Int2(_)
            | DataType::Int4(_)
            | DataType::Int8(_)
            | DataType::Numeric(_)
            | DataType::Decimal(_)
            | DataType::Real
            | DataType::Float4
            | DataType::Float8
            | DataType::DoublePrecision
    )
}

fn text_like(ty: &DataType) -> bool {
    match ty {
        DataType::Text
        | DataType::Varchar(_)
        | DataType::CharacterVarying(_)
        | DataType::Char(_)
        | DataType::Character(_) => true,
        DataType::Custom(name, _) => name.to_string().eq_ignore_ascii_case("bpchar"),
        DataType::Array(
            ast::ArrayElemTypeDef::SquareBracket(inner, _) | ast::ArrayElemTypeDef::AngleBracket(inner),
        ) => text_like(inner),
        _ => false,
    }
}

/// Names as PostgreSQL folds them: unquoted ones in lower case, quotes only where needed.
fn fold(id: &mut Ident) {
    match id.quote_style {
        None => id.value = id.value.to_lowercase(),
        Some('"') if super::is_plain_word(&id.value) && id.value == id.value.to_lowercase() => id.quote_style = None,
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn in_lists_are_written_back_as_in() {
        let printed =
            "((om.role)::text = ANY ((ARRAY['admin'::character varying, 'owner'::character varying])::text[]))";
        assert_eq!(in_lists(printed).as_deref(), Some("(om.role IN ('admin', 'owner'))"));
        assert_eq!(in_lists("(x > 1)"), None);
        // As a database restored from pg_dump prints it.
        let restored =
            "((role)::text = ANY (ARRAY[('admin'::character varying)::text, ('owner'::character varying)::text]))";
        assert_eq!(in_lists(restored).as_deref(), Some("(role IN ('admin', 'owner'))"));
    }

    /// (as declared, as PostgreSQL prints it back): each pair means the same.
    const SAME: &[(&str, &str)] = &[
        ("status IN ('a', 'b')", "(status = ANY (ARRAY['a'::text, 'b'::text]))"),
        (
            "status IN ('a', 'b')",
            "((status)::text = ANY ((ARRAY['a'::character varying, 'b'::character varying])::text[]))",
        ),
        ("status NOT IN ('a')", "(status <> ALL (ARRAY['a'::text]))"),
        ("CURRENT_TIMESTAMP", "now()"),
        ("x > -1", "(x > '-1'::integer)"),
        ("x BETWEEN 1 AND 5", "((x >= 1) AND (x <= 5))"),
        ("name LIKE 'a%'", "((name)::text ~~ 'a%'::text)"),
        ("'{}'", "'{}'::jsonb"),
        ("ARRAY[]::text[]", "'{}'::text[]"),
        ("now() + INTERVAL '1 day'", "(now() + '1 day'::interval)"),
        ("t >= s + interval '1000 seconds'", "(t >= (s + '00:16:40'::interval))"),
        ("t < s + interval '2 hours 30 minutes'", "(t < (s + '02:30:00'::interval))"),
        ("t < s + interval '1 year 2 months 1.5 days'", "(t < (s + '1 year 2 mons 1 day 12:00:00'::interval))"),
        ("t < s + interval '2 weeks'", "(t < (s + '14 days'::interval))"),
        ("\"Status\" = 'x'", "(\"Status\" = 'x'::text)"),
        ("\"status\" = 'x'", "(status = 'x'::text)"),
        ("Lower(Email) = email", "(lower(email) = email)"),
        ("nextval('seq')", "nextval('seq'::regclass)"),
        ("char_length(trim(VALUE)) > 0", "(char_length(TRIM(BOTH FROM VALUE)) > 0)"),
        ("VALUE >= 0", "(VALUE >= (0)::numeric)"),
        ("NOT (a AND b)", "(NOT (a AND b))"),
        ("(a OR b) AND c", "((a OR b) AND c)"),
        (
            "id IN (SELECT workspace_id FROM members WHERE user_id = 1)",
            "(id IN ( SELECT members.workspace_id FROM members WHERE (members.user_id = 1)))",
        ),
        (
            "id IN (SELECT b.id FROM boards b JOIN projects p ON p.id = b.project_id JOIN m ON m.w = p.w)",
            "(id IN ( SELECT b.id FROM ((boards b JOIN projects p ON ((p.id = b.project_id))) JOIN m ON ((m.w = p.w)))))",
        ),
    ];

    /// Pairs that differ in meaning stay apart.
    const DIFFERENT: &[(&str, &str)] = &[
        // Equal under `=`, stored apart: a day is not 24 hours across a DST change.
        ("x < interval '1 day'", "(x < '24:00:00'::interval)"),
        ("status IN ('a', 'b')", "status IN ('a')"),
        ("x > 1", "x >= 1"),
        ("a OR b AND c", "(a OR b) AND c"),
        ("\"Status\" = 'x'", "status = 'x'"),
        ("x::integer > 1", "x::bigint > 1"),
    ];

    #[test]
    fn what_postgresql_prints_back_is_what_was_declared() {
        for (declared, printed) in SAME {
            assert_eq!(expr(declared), expr(printed), "{declared}  vs  {printed}");
        }
    }

    #[test]
    fn different_meanings_stay_different() {
        for (a, b) in DIFFERENT {
            assert!(!same(a, b), "{a}  vs  {b}: {:?}", expr(a));
        }
    }

    #[test]
    fn routine_types_drop_what_postgresql_drops() {
        assert_eq!(
            routine_types("TABLE (workspace_id UUID, name VARCHAR(255), role varchar(20))"),
            routine_types("TABLE(workspace_id uuid, name character varying, role character varying)")
        );
        assert_ne!(routine_types("numeric"), routine_types("integer"));
    }

    #[test]
    fn unreadable_text_compares_as_written() {
        assert!(same("XMLTABLE(((", "XMLTABLE((("));
        assert!(!same("XMLTABLE(((", "XMLTABLE(("));
    }
}
