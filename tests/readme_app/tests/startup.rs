//! The application migrates at startup: the first start applies the embedded migrations, the
//! next finds nothing to do, and both go on to work on the database.

use std::process::Command;

use strata::testing::TestDb;

#[test]
fn the_application_migrates_at_startup() {
    let db = TestDb::new();
    let start =
        || Command::new(env!("CARGO_BIN_EXE_strata-readme-app")).env("DATABASE_URL", db.url()).output().unwrap();
    let first = start();
    let stderr = String::from_utf8_lossy(&first.stderr);
    assert!(first.status.success(), "{stderr}");
    assert!(stderr.contains("migrated 0001_init in "), "{stderr}");
    assert_eq!(String::from_utf8_lossy(&first.stdout), "hired and renamed Renamed\n");

    let again = start();
    assert!(again.status.success(), "{}", String::from_utf8_lossy(&again.stderr));
    assert_eq!(String::from_utf8_lossy(&again.stderr), "", "nothing left to migrate");
    let mut client = db.client();
    let recorded: i64 = client.query_one("SELECT count(*) FROM strata.migrations", &[]).unwrap().get(0);
    let agents: i64 = client.query_one("SELECT count(*) FROM agents", &[]).unwrap().get(0);
    assert_eq!((recorded, agents), (1, 2));
}
