//! A schema described in Rust (`schema/shop.rs`): its SQL comes from `strata generate --rust`
//! (generated/shop/), its Rust from `#[derive(strata::Table)]`; both run together against a live
//! PostgreSQL here.

#[path = "../../schema/shop.rs"]
mod shop;

use std::str::FromStr;

use shop::*;
use strata::reexports::rust_decimal::Decimal;
use strata::testing::TestDb;
use strata::{Error, Table as _, Validate};

fn new_customer(email: &str) -> NewCustomer {
    NewCustomer {
        id: None,
        email: email.into(),
        name: "Ada".into(),
        password_hash: "$argon2id$secret".into(),
        created_at: None,
        deleted_at: None,
    }
}

fn new_order(customer_id: strata::reexports::uuid::Uuid, number: &str, total: &str) -> NewOrder {
    NewOrder {
        id: None,
        customer_id,
        number: number.into(),
        status: Some(OrderStatus::Paid),
        total: Some(Decimal::from_str(total).unwrap()),
        note: None,
        placed_at: None,
        sequence_no: None,
    }
}

#[test]
fn derived_tables_run_against_the_sql_generated_from_the_same_file() {
    let db = TestDb::new();
    let mut client = db.client();
    client.batch_execute(include_str!("../shop/schema.sql")).unwrap();
    let mut c = strata::Client::new(client);

    let ada = Customer::insert(&mut c, &new_customer("ada@example.com")).unwrap();
    assert_eq!(Customer::find_by_email(&mut c, "ada@example.com").unwrap().as_ref(), Some(&ada));
    assert!(format!("{ada:?}").contains("password_hash: [redacted]"), "{ada:?}");
    assert!(!format!("{ada:?}").contains("secret"));

    // One error type, and a constraint PostgreSQL enforced names its field.
    match Customer::insert(&mut c, &new_customer("ada@example.com")) {
        Err(e @ Error::Constraint(_)) => {
            let Error::Constraint(v) = &e else { unreachable!() };
            assert_eq!((v.constraint.as_str(), v.kind, v.field), ("customers_email_key", "unique", Some("email")));
            // PostgreSQL's DETAIL names the key's value; neither Debug nor Display repeats it.
            assert!(v.source.as_db_error().unwrap().detail().unwrap().contains("ada@example.com"));
            assert!(!format!("{e:?} {e}").contains("ada@example.com"), "{e:?}");
        }
        other => panic!("expected a unique violation, got {other:?}"),
    }
    // A value PostgreSQL cannot read is quoted in its message; strata's error does not repeat it.
    let refused = db.client().query_one("SELECT $1::text::cidr", &[&"10.0.0.300/8-SECRETNET"]).unwrap_err();
    assert!(refused.as_db_error().unwrap().message().contains("SECRETNET"));
    let e = Error::from_db(refused, &[]);
    assert!(!format!("{e:?} {e}").contains("SECRETNET"), "{e:?} {e}");
    assert!(e.to_string().contains("invalid input syntax for type cidr: \"[redacted]\""), "{e}");
    let stranger = new_order(strata::reexports::uuid::Uuid::nil(), "ORD-000009", "1");
    match Order::insert(&mut c, &stranger) {
        Err(Error::Constraint(v)) => assert_eq!((v.kind, v.field), ("foreign_key", Some("customer_id"))),
        other => panic!("expected a foreign key violation, got {other:?}"),
    }

    let order = Order::insert(&mut c, &new_order(ada.id, "ORD-000001", "19.99")).unwrap();
    assert_eq!(order.status, OrderStatus::Paid);
    assert_eq!(Order::list_by_customer_id(&mut c, &ada.id, None, 10).unwrap(), vec![order.clone()]);
    let shipped = OrderPatch {
        status: Some(OrderStatus::Shipped),
        note: Some(Some("left at the door".into())),
        ..Default::default()
    };
    let updated = Order::update(&mut c, &order.id, &shipped).unwrap().unwrap();
    assert_eq!((updated.status, updated.note.as_deref()), (OrderStatus::Shipped, Some("left at the door")));
    assert_eq!(Order::count(&mut c).unwrap(), 1);
    // The identity column numbers orders unless given a number; the refused insert above used
    // one, as a sequence does. A `collate` from the Rust source is the column's in the catalog.
    assert_eq!(order.sequence_no, 2);
    let numbered = NewOrder { sequence_no: Some(100), ..new_order(ada.id, "ORD-000005", "5") };
    assert_eq!(Order::insert(&mut c, &numbered).unwrap().sequence_no, 100);
    let collation: String = c
        .query_one(
            "SELECT collname::text FROM pg_attribute JOIN pg_collation l ON l.oid = attcollation \
         WHERE attrelid = 'orders'::regclass AND attname = 'number'",
            &[],
        )
        .unwrap()
        .get(0);
    assert_eq!(collation, "C");

    // Every rule of the Rust description, checked before anything is sent.
    let mut bad = new_order(ada.id, "ORD-1", "-1");
    bad.status = Some(OrderStatus::Paid);
    bad.note = Some(String::new());
    let violations = bad.validate().unwrap_err().0;
    let rules: Vec<(&str, &str)> = violations.iter().map(|v| (v.field, v.rule)).collect();
    // A CHECK on one column is that field's violation, with the constraint's name beside it.
    assert_eq!(
        rules,
        [("number", "pattern"), ("total", "range"), ("note", "check"), ("orders_paid_has_total", "check")]
    );
    let constraints: Vec<Option<&str>> = violations.iter().map(|v| v.constraint).collect();
    assert_eq!(constraints, [None, None, Some("orders_note_check"), Some("orders_paid_has_total")]);
    assert!(matches!(Order::insert(&mut c, &bad), Err(Error::Invalid(_))));
    let mut nameless = new_customer("not an address");
    nameless.name = String::new();
    let rules: Vec<&str> = nameless.validate().unwrap_err().0.iter().map(|v| v.rule).collect();
    assert_eq!(rules, ["email", "min_length"]);

    // The database agrees on the rules it enforces: each broken rule alone is rejected there too.
    for (number, total, status) in [
        ("ORD-1", "5", OrderStatus::Paid),
        ("ORD-000002", "-1", OrderStatus::Paid),
        ("ORD-000003", "0", OrderStatus::Paid),
    ] {
        let mut o = new_order(ada.id, number, total);
        o.status = Some(status);
        assert!(o.validate().is_err());
        let mut tx = strata::Conn::transaction(&mut c).unwrap();
        let sql = "INSERT INTO orders (customer_id, number, total, status) VALUES ($1, $2, $3, $4)";
        let err = tx.execute(sql, &[&o.customer_id, &o.number, &o.total, &o.status]).unwrap_err();
        assert!(err.as_db_error().is_some_and(|e| e.code().code() == "23514"), "{number}: {err}");
    }

    // Soft delete hides the customer; deleting cascades to the orders.
    assert!(Customer::soft_delete(&mut c, &ada.id).unwrap());
    assert_eq!(Customer::get(&mut c, &ada.id).unwrap(), None);
    assert!(Customer::restore(&mut c, &ada.id).unwrap());
    assert_eq!(Customer::delete(&mut c, &ada.id).unwrap(), 1);
    assert_eq!(Order::count(&mut c).unwrap(), 0);
    assert_eq!(Customer::TABLE, "customers");
}
