//! The shop schema, described in Rust instead of TOML.
//!
//! `strata generate --rust schema/shop.rs` writes its SQL and migrations to `generated/shop/`;
//! `#[derive(strata::Table)]` gives each struct its insert and patch structs with `validate()`,
//! a redacting `Debug` and the queries. `#[strata(...)]` keys are the TOML format's keys
//! (docs/format.md); a column's type and nullability follow the field's Rust type unless `type`
//! says otherwise.

use strata::reexports::chrono::{DateTime, Utc};
use strata::reexports::rust_decimal::Decimal;
use strata::reexports::uuid::Uuid;

strata::union_type! {
    /// Where an order is.
    pub enum OrderStatus("order_status") {
        Pending = "pending",
        Paid = "paid",
        Shipped = "shipped",
        Cancelled = "cancelled",
    }
}

/// People who buy.
#[derive(Clone, PartialEq, strata::Table)]
#[strata(table = "customers", soft_delete = "deleted_at")]
pub struct Customer {
    #[strata(primary_key, default = "gen_random_uuid()")]
    pub id: Uuid,
    /// Where receipts go.
    #[strata(type = "varchar(255)", unique, format = "email")]
    pub email: String,
    #[strata(type = "varchar(100)", min_length = 1)]
    pub name: String,
    #[strata(type = "varchar(255)", sensitive)]
    pub password_hash: String,
    #[strata(default = "now()")]
    pub created_at: DateTime<Utc>,
    pub deleted_at: Option<DateTime<Utc>>,
}

/// What customers bought.
#[derive(Clone, PartialEq, strata::Table)]
#[strata(table = "orders", check(name = "orders_paid_has_total", expr = "status = 'pending' OR total > 0"))]
#[strata(index(name = "idx_orders_customer_status", columns = ["customer_id", "status"]))]
pub struct Order {
    #[strata(primary_key, default = "gen_random_uuid()")]
    pub id: Uuid,
    #[strata(references = "customers.id", on_delete = "cascade")]
    pub customer_id: Uuid,
    /// Compared byte by byte (`COLLATE "C"`), as order numbers are codes, not words.
    #[strata(type = "varchar(20)", unique, pattern = "^ORD-[0-9]{6}$", collate = "C")]
    pub number: String,
    /// The order's place in the shop's own count: numbered by PostgreSQL unless given.
    #[strata(identity = "by default")]
    pub sequence_no: i64,
    #[strata(default = "'pending'")]
    pub status: OrderStatus,
    #[strata(type = "numeric(10,2)", range = [0, 1000000], default = "0")]
    pub total: Decimal,
    /// Absent rather than empty.
    #[strata(check = "note <> ''")]
    pub note: Option<String>,
    #[strata(default = "now()")]
    pub placed_at: DateTime<Utc>,
}
