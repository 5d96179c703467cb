//! What a schema leaves to others in its databases (`[schema.ignore]`): objects a database holds
//! that match are not the schema's, so reading a database drops them before anything compares
//! (`verify` does not report them, `diff`, `apply` and `migrate reset` do not drop them, `pull`
//! does not write them). Objects an extension owns never reach the model at all (the live
//! source skips `pg_depend` deptype `e`).

use serde::{Deserialize, Serialize};

use super::{GrantOn, Ref, Schema};

/// Name patterns by kind: `*` any run of characters, `?` one; a pattern with a dot matches
/// `namespace.name`, one without matches the name in any namespace.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Ignore {
    /// Whole namespaces, with everything in them.
    pub namespaces: Vec<String>,
    /// Tables, views and sequences, with what is on them (indexes, policies, triggers, grants).
    pub relations: Vec<String>,
    /// Indexes (an index is named in its table's namespace).
    pub indexes: Vec<String>,
    /// Functions, procedures and aggregates, with the triggers that call them.
    pub functions: Vec<String>,
    /// Roles, with what is granted to them.
    pub roles: Vec<String>,
    /// Extensions a database has that the schema does not declare (pg_cron, installed by its
    /// administrator).
    pub extensions: Vec<String>,
}

/// The kinds `Ignore` has, as TOML keys and `pull --ignore KIND:PATTERN` spell them.
pub const IGNORE_KINDS: &[&str] = &["namespaces", "relations", "indexes", "functions", "roles", "extensions"];

impl Ignore {
    pub fn is_empty(&self) -> bool {
        IGNORE_KINDS.iter().all(|k| self.of(k).is_some_and(|p| p.is_empty()))
    }

    /// The patterns of a kind named as `IGNORE_KINDS` names it.
    pub fn of(&self, kind: &str) -> Option<&Vec<String>> {
        Some(match kind {
            "namespaces" => &self.namespaces,
            "relations" => &self.relations,
            "indexes" => &self.indexes,
            "functions" => &self.functions,
            "roles" => &self.roles,
            "extensions" => &self.extensions,
            _ => return None,
        })
    }

    /// `of`, to add to.
    pub fn of_mut(&mut self, kind: &str) -> Option<&mut Vec<String>> {
        Some(match kind {
            "namespaces" => &mut self.namespaces,
            "relations" => &mut self.relations,
            "indexes" => &mut self.indexes,
            "functions" => &mut self.functions,
            "roles" => &mut self.roles,
            "extensions" => &mut self.extensions,
            _ => return None,
        })
    }

    /// Removes from `schema` (one read from a database) every object a pattern matches, and
    /// what belongs to it.
    pub fn remove_from(&self, schema: &mut Schema) {
        if self.is_empty() {
            return;
        }
        let namespace = |n: &str| matches(&self.namespaces, n, n);
        let in_ns = |ns: &str, name: &str, patterns: &[String]| namespace(ns) || matches(patterns, ns, name);
        let relation = |ns: &str, name: &str| in_ns(ns, name, &self.relations);
        let function = |ns: &str, name: &str| in_ns(ns, name, &self.functions);
        let role = |name: &str| matches(&self.roles, name, name);
        let named_relation = |r: &Ref| relation(&r.namespace, &r.name);
        // A function ref may be a signature (`area(integer)`): its name is before the parenthesis.
        let named_function = |r: &Ref| function(&r.namespace, r.name.split('(').next().unwrap_or(&r.name));

        schema.namespaces.retain(|n| !namespace(&n.name));
        schema.extensions.retain(|e| !matches(&self.extensions, &e.name, &e.name));
        schema.enums.retain(|e| !namespace(&e.namespace));
        schema.domains.retain(|d| !namespace(&d.namespace));
        schema.composites.retain(|c| !namespace(&c.namespace));
        schema.ranges.retain(|r| !namespace(&r.namespace));
        schema.tables.retain(|t| !relation(&t.namespace, &t.name));
        for t in &mut schema.tables {
            t.indexes.retain(|i| !in_ns(&t.namespace, &i.name, &self.indexes));
            t.triggers.retain(|tr| !named_function(&tr.function));
            t.policies.retain(|p| !p.to.iter().any(|r| role(&r.name)));
        }
        schema.views.retain(|v| !relation(&v.namespace, &v.name));
        schema.sequences.retain(|s| !relation(&s.namespace, &s.name));
        schema.functions.retain(|f| !function(&f.namespace, &f.name));
        schema.aggregates.retain(|a| !function(&a.namespace, &a.name));
        schema.roles.retain(|r| !role(&r.name));
        schema.grants.retain_mut(|g| {
            g.to.retain(|r| !role(&r.name));
            let on_left = match &mut g.on {
                GrantOn::Schema(n) | GrantOn::AllTables(n) | GrantOn::AllSequences(n) | GrantOn::AllFunctions(n) => {
                    !namespace(n)
                }
                GrantOn::Tables(refs) | GrantOn::Sequences(refs) | GrantOn::Types(refs) => {
                    refs.retain(|r| !named_relation(r) && !namespace(&r.namespace));
                    !refs.is_empty()
                }
                GrantOn::Functions(refs) => {
                    refs.retain(|r| !named_function(r));
                    !refs.is_empty()
                }
            };
            on_left && !g.to.is_empty()
        });
        schema.default_privileges.retain_mut(|d| {
            d.to.retain(|r| !role(&r.name));
            let owner = d.for_role.as_ref().is_some_and(|r| role(&r.name));
            !owner && !d.namespace.as_deref().is_some_and(namespace) && !d.to.is_empty()
        });
    }
}

/// Whether a pattern matches: with a dot, against `namespace.name`; without, against `name`.
fn matches(patterns: &[String], namespace: &str, name: &str) -> bool {
    patterns.iter().any(|p| match p.contains('.') {
        true => glob(p, &format!("{namespace}.{name}")),
        false => glob(p, name),
    })
}

/// `*` matches any run of characters, `?` one, everything else itself.
pub fn glob(pattern: &str, text: &str) -> bool {
    let (p, t): (Vec<char>, Vec<char>) = (pattern.chars().collect(), text.chars().collect());
    // The classic two-pointer match, backtracking to the last `*`.
    let (mut i, mut j, mut star, mut mark) = (0, 0, None, 0);
    while j < t.len() {
        if i < p.len() && (p[i] == '?' || p[i] == t[j]) {
            i += 1;
            j += 1;
        } else if i < p.len() && p[i] == '*' {
            star = Some(i);
            mark = j;
            i += 1;
        } else if let Some(s) = star {
            i = s + 1;
            mark += 1;
            j = mark;
        } else {
            return false;
        }
    }
    p[i..].iter().all(|&c| c == '*')
}

#[cfg(test)]
mod tests {
    use super::glob;

    #[test]
    fn globs_match_as_shells_do() {
        let cases = [
            ("hotfix_*", "hotfix_orders_created", true),
            ("hotfix_*", "orders_hotfix", false),
            ("*_p2024*", "events_p2024w01", true),
            ("a?c", "abc", true),
            ("a?c", "ac", false),
            ("*", "", true),
            ("public.t*", "public.tags", true),
            ("a*b*c", "axxbyyc", true),
            ("a*b*c", "axxbyy", false),
            ("exact", "exact", true),
        ];
        for (pattern, text, expected) in cases {
            assert_eq!(glob(pattern, text), expected, "{pattern} on {text}");
        }
    }
}
