//! Tenant isolation, proven against a live database by the application's own tests: for every
//! table with a tenant policy (`Table::TENANT`), scoped to one tenant, no row of another tenant
//! is visible, and a row for another tenant is refused by the policy.
//!
//! ```text
//! #[test]
//! fn tenants_are_isolated() {
//!     let url = std::env::var("DATABASE_URL").expect("the application's database, as its role");
//!     let mut client = strata::reexports::postgres::Client::connect(&url, NoTls).unwrap();
//!     let proved = strata::tenancy::prove(&mut client, app::visit_tables).unwrap();
//!     assert!(!proved.is_empty());
//! }
//! ```

use postgres::Client;

use crate::Table;

/// A table's tenant policy, as generated code declares it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Tenant {
    /// The tenant column, quoted for SQL.
    pub column: &'static str,
    /// Its SQL type.
    pub sql_type: &'static str,
    /// The setting the policy reads (`app.current_tenant_id`).
    pub setting: &'static str,
}

/// Proves isolation on every tenant table `visit_tables` (generated) visits, connected as the
/// role the application uses: the tables proved, or every table that failed, and why. Nothing
/// is written: each table's proof runs in a transaction that is rolled back.
pub fn prove<'c>(client: &'c mut Client, visit_tables: fn(&mut Prover<'c>)) -> Result<Vec<&'static str>, String> {
    let bypasses: bool = client
        .query_one("SELECT rolsuper OR rolbypassrls FROM pg_roles WHERE rolname = current_user", &[])
        .map_err(|e| e.to_string())?
        .get(0);
    if bypasses {
        return Err("the connection's role bypasses row-level security: connect as the application's role".into());
    }
    let mut prover = Prover { client, proved: Vec::new(), failed: Vec::new() };
    visit_tables(&mut prover);
    if prover.failed.is_empty() { Ok(prover.proved) } else { Err(prover.failed.join("\n")) }
}

/// Visits tables for [`prove`].
pub struct Prover<'c> {
    client: &'c mut Client,
    proved: Vec<&'static str>,
    failed: Vec<String>,
}

impl crate::Visit for Prover<'_> {
    fn visit<T: Table>(&mut self) {
        let Some(tenant) = T::TENANT else { return };
        match isolated(self.client, T::TABLE, &tenant) {
            Ok(()) => self.proved.push(T::TABLE),
            Err(why) => self.failed.push(format!("{}: {why}", T::TABLE)),
        }
    }
}

/// Two tenants' values of a tenant column of this type, as text.
fn tenants(sql_type: &str) -> Option<[String; 2]> {
    Some(match sql_type {
        "uuid" => [uuid::Uuid::new_v4().to_string(), uuid::Uuid::new_v4().to_string()],
        "smallint" | "integer" | "bigint" => ["-7301".into(), "-7302".into()],
        t if t == "text" || t.starts_with("varchar") || t.starts_with("character varying") => {
            ["strata-tenant-a".into(), "strata-tenant-b".into()]
        }
        _ => return None,
    })
}

fn isolated(client: &mut Client, table: &str, tenant: &Tenant) -> Result<(), String> {
    let Some([ours, theirs]) = tenants(tenant.sql_type) else {
        return Err(format!("tenant values of type {} cannot be made up: prove it by hand", tenant.sql_type));
    };
    let mut tx = client.transaction().map_err(|e| e.to_string())?;
    let owner_bypasses: bool = tx
        .query_one(
            "SELECT c.relowner = r.oid AND NOT c.relforcerowsecurity FROM pg_class c, pg_roles r \
             WHERE c.oid = to_regclass($1) AND r.rolname = current_user",
            &[&table],
        )
        .map_err(|e| e.to_string())?
        .get(0);
    if owner_bypasses {
        return Err("the connection's role owns the table, and the table does not FORCE row-level security".into());
    }
    tx.execute("SELECT set_config($1, $2, true)", &[&tenant.setting, &ours]).map_err(|e| e.to_string())?;
    let (column, ty) = (tenant.column, tenant.sql_type);
    let others: i64 = tx
        .query_one(&format!("SELECT count(*) FROM {table} WHERE {column} IS DISTINCT FROM $1::text::{ty}"), &[&ours])
        .map_err(|e| e.to_string())?
        .get(0);
    if others > 0 {
        return Err(format!("scoped to one tenant, {others} rows of other tenants are visible"));
    }
    // The policy is checked before NOT NULL and CHECK constraints: a row naming only its tenant
    // is refused for the tenant, or the policy let it through.
    let insert = format!("INSERT INTO {table} ({column}) VALUES ($1::text::{ty})");
    match tx.execute(&insert, &[&theirs]) {
        Err(e) if e.as_db_error().is_some_and(|db| db.message().contains("row-level security")) => Ok(()),
        Err(e) => {
            let then = e.as_db_error().map_or(e.to_string(), |db| db.message().to_string());
            Err(format!("the policy let a row of another tenant through (then refused: {then})"))
        }
        Ok(_) => Err("the policy let a row of another tenant through (written)".into()),
    }
}
