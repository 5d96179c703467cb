//! Agreement test: strata's reading of sequence options (`SequenceOptions::resolve`: the
//! defaults PostgreSQL fills in and the combinations it refuses) against PostgreSQL's.
//!
//! Random options near every boundary (each type's range, zero, ±1, start outside min..max,
//! counting down) are rendered by the SQL target and created on a live server, each in a
//! savepoint rolled back after. Every verdict must agree: refused by both, or accepted by both
//! with the same `pg_sequence` row.

mod support;

use strata::testing::TestDb;
use strata_codegen::model::{SequenceOptions, SequenceType};
use strata_codegen::render::sql::sequence_options;
use support::Rng;

const CASES: usize = 3000;

fn value(rng: &mut Rng) -> Option<i64> {
    if rng.chance(45) {
        return None;
    }
    let edges = [
        0,
        1,
        -1,
        2,
        -2,
        10,
        -10,
        1000,
        i16::MAX.into(),
        i16::MIN.into(),
        i32::MAX.into(),
        i32::MIN.into(),
        i64::MAX,
        i64::MIN,
    ];
    let edge: i64 = rng.pick(&edges);
    let nudge = rng.pick(&[-1i64, 0, 0, 1]);
    Some(match rng.below(4) {
        0 => rng.below(200) as i64 - 100,
        _ => edge.saturating_add(nudge),
    })
}

fn options(rng: &mut Rng) -> SequenceOptions {
    let data_type = match rng.below(4) {
        0 => None,
        n => Some(SequenceType::ALL[n as usize - 1].1),
    };
    SequenceOptions {
        data_type,
        start: value(rng),
        increment: value(rng),
        min: value(rng),
        max: value(rng),
        cache: if rng.chance(70) { None } else { Some(rng.below(4) as i64 - 1) },
        cycle: rng.chance(30),
    }
}

#[test]
fn sequence_options_agree_with_postgres() {
    let db = TestDb::new();
    let mut client = db.client();
    let mut rng = Rng(0x5e9_0e9ce);
    let mut tx = client.transaction().unwrap();
    let (mut accepted, mut refused) = (0, 0);
    for case in 0..CASES {
        let options = options(&mut rng);
        let sql = format!("CREATE SEQUENCE s{}", sequence_options(&options));
        tx.batch_execute("SAVEPOINT one").unwrap();
        let postgres = tx.batch_execute(&sql).map_err(|e| e.as_db_error().map(|d| d.message().to_string())).map(|()| {
            let row = tx
                .query_one(
                    "SELECT format_type(seqtypid, NULL), seqstart, seqincrement, seqmin, seqmax, seqcache, seqcycle \
                     FROM pg_sequence WHERE seqrelid = 's'::regclass",
                    &[],
                )
                .unwrap();
            (
                row.get::<_, String>(0),
                row.get::<_, i64>(1),
                row.get::<_, i64>(2),
                row.get::<_, i64>(3),
                row.get::<_, i64>(4),
                row.get::<_, i64>(5),
                row.get::<_, bool>(6),
            )
        });
        tx.batch_execute("ROLLBACK TO SAVEPOINT one").unwrap();
        match (options.resolve(), postgres) {
            (Ok(s), Ok(row)) => {
                let ours = (s.data_type.sql().to_string(), s.start, s.increment, s.min, s.max, s.cache, s.cycle);
                assert_eq!(ours, row, "case {case}: {sql}");
                accepted += 1;
            }
            (Err(ours), Err(theirs)) => {
                assert_eq!(Some(ours), theirs, "case {case}: {sql}: both refuse, for other reasons");
                refused += 1;
            }
            (ours, theirs) => panic!("case {case}: {sql}: strata says {ours:?}, PostgreSQL {theirs:?}"),
        }
    }
    eprintln!("sequence options: {CASES} cases, {accepted} accepted by both, {refused} refused by both");
    assert!(accepted > CASES / 10 && refused > CASES / 10, "too few of one kind: {accepted} / {refused}");
}

/// The sequence of a serial or identity column with long names is the one PostgreSQL names
/// (both names shortened to fit 63 bytes): the grant of USAGE strata adds for a role that may
/// insert reaches it, and strata's name for it is PostgreSQL's.
#[test]
fn long_names_give_the_sequence_postgresql_names() {
    let table = "a_table_whose_name_is_long_enough_to_need_shortening_x";
    let toml = format!(
        "[schema]\nname = \"long\"\n[roles.writer]\n[tables.{table}.columns]\n\
         id = {{ type = \"serial\", primary_key = true }}\n\
         a_column_with_a_long_name_too = {{ type = \"bigint\", identity = \"always\" }}\n\
         [[grants]]\nprivileges = [\"INSERT\"]\ntables = [\"{table}\"]\nto = [\"writer\"]\n"
    );
    let schema = strata_codegen::compile_toml_str([("long.toml", toml.as_str())]).schema.expect("compiles");
    let db = TestDb::new();
    let mut client = db.client();
    let (schema, _) = support::apply(&mut client, &schema);
    let t = &schema.tables[0];
    for c in &t.columns {
        let ours = c.implicit_sequence(t).unwrap().name;
        let theirs: String = client
            .query_one("SELECT pg_get_serial_sequence($1, $2)::regclass::text", &[&t.name, &c.name])
            .unwrap()
            .get(0);
        assert_eq!(ours, theirs, "{}", c.name);
    }
}
