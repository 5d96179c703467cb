//! The writes beyond one-row CRUD, through the generated helpers, on both executors from one test
//! body: upsert on each declared key, batch insert (multi-row INSERT and binary COPY, all or
//! nothing), and a patch's validation of the CHECKs it can decide, against PostgreSQL's verdict.

use strata::testing::{Body, Exec, Executor, TestDb};
use strata::{Error, Validate};
use strata_generated::agentflow::*;

fn database() -> TestDb {
    let db = TestDb::new();
    db.client().batch_execute(include_str!("../agentflow/schema.sql")).unwrap();
    db
}

fn user(email: &str, name: &str) -> NewUser {
    NewUser::new(email, "$2b$12$hash", name)
}

/// `upsert_by_email` and `upsert_by_id` find the row and set its other columns; an invalid row
/// is refused before anything is sent.
struct Upserts;

impl Body for Upserts {
    type Out = ();

    async fn run<E: Exec>(self, db: &mut E) {
        let ada = E::done(User::insert(db, &user("ada@example.com", "Ada"))).await.unwrap();
        let renamed = E::done(User::upsert_by_email(db, &user("ada@example.com", "Ada L."))).await.unwrap();
        assert_eq!((renamed.id, renamed.name.as_str()), (ada.id, "Ada L."), "the same row, renamed");
        let moved = user("ada@lovelace.org", "Ada").with_id(ada.id);
        let moved = E::done(User::upsert_by_id(db, &moved)).await.unwrap();
        assert_eq!((moved.id, moved.email.as_str()), (ada.id, "ada@lovelace.org"));
        let other = E::done(User::upsert_by_email(db, &user("grace@example.com", "Grace"))).await.unwrap();
        assert_ne!(other.id, ada.id, "no conflict: a new row");
        assert_eq!(E::done(User::count(db)).await.unwrap(), 2);
        let invalid = E::done(User::upsert_by_email(db, &user("not an email", "X"))).await;
        assert!(matches!(invalid, Err(Error::Invalid(_))), "{invalid:?}");
        assert_eq!(E::done(User::count(db)).await.unwrap(), 2);
    }
}

#[test]
fn upsert_sets_the_other_columns_of_the_row_a_key_finds() {
    let test_db = database();
    for mut executor in Executor::all(&test_db) {
        executor.run(Upserts);
        let mut c = test_db.client();
        c.batch_execute("TRUNCATE users CASCADE").unwrap();
    }
}

/// How many users a large batch holds: enough for binary COPY.
const MANY: usize = 100_000;

/// A large batch goes by COPY, a small one by multi-row INSERT; a batch with one invalid row, or
/// one row the database refuses, writes nothing.
struct Batches;

impl Body for Batches {
    type Out = ();

    async fn run<E: Exec>(self, db: &mut E) {
        let many: Vec<NewUser> = (0..MANY).map(|i| user(&format!("u{i}@example.com"), "U")).collect();
        const { assert!(MANY >= strata::table::COPY_FROM) };
        assert_eq!(E::done(User::insert_many(db, &many)).await.unwrap(), MANY as u64);
        assert_eq!(E::done(User::count(db)).await.unwrap(), MANY as i64);

        // Rows that set different columns go in runs, each its own statement, in one transaction.
        let mixed = [
            user("a@example.com", "A"),
            user("b@example.com", "B").with_avatar_url("https://example.com/b.png"),
            user("c@example.com", "C"),
        ];
        assert_eq!(E::done(User::insert_many(db, &mixed)).await.unwrap(), 3);
        let b = E::done(User::find_by_email(db, "b@example.com")).await.unwrap().unwrap();
        assert_eq!(b.avatar_url.as_deref(), Some("https://example.com/b.png"));

        let mut invalid: Vec<NewUser> = (0..10).map(|i| user(&format!("v{i}@example.com"), "V")).collect();
        invalid[7].email = "not an email".into();
        let refused = E::done(User::insert_many(db, &invalid)).await;
        assert!(matches!(refused, Err(Error::InvalidRow(7, _))), "{refused:?}");

        // A repeated key in a COPY batch, and in a multi-row INSERT after a good run: nothing stays.
        let mut repeated: Vec<NewUser> = (0..2_000).map(|i| user(&format!("w{i}@example.com"), "W")).collect();
        repeated[1_999].email = "w0@example.com".into();
        let refused = E::done(User::insert_many(db, &repeated)).await;
        assert!(matches!(&refused, Err(Error::Constraint(c)) if c.kind == "unique"), "{refused:?}");
        let late = [user("x@example.com", "X"), user("a@example.com", "A again")];
        let refused = E::done(User::insert_many(db, &late)).await;
        assert!(matches!(&refused, Err(Error::Constraint(c)) if c.field == Some("email")), "{refused:?}");
        assert_eq!(E::done(User::count(db)).await.unwrap(), MANY as i64 + 3, "the refused batches wrote nothing");
        assert_eq!(E::done(User::insert_many(db, &[])).await.unwrap(), 0);
    }
}

#[test]
fn insert_many_copies_large_batches_all_or_nothing() {
    let test_db = database();
    for mut executor in Executor::all(&test_db) {
        executor.run(Batches);
        test_db.client().batch_execute("TRUNCATE users CASCADE").unwrap();
    }
}

/// A project, and an organization-level agent of its workspace.
fn project_and_agent(c: &mut strata::Client) -> (strata::reexports::uuid::Uuid, Agent) {
    let owner = User::insert(c, &user("o@example.com", "O")).unwrap();
    let sql = "INSERT INTO workspaces (owner_id, name, slug) VALUES ($1, 'W', 'w') RETURNING id";
    let workspace: strata::reexports::uuid::Uuid = c.query_one(sql, &[&owner.id]).unwrap().get(0);
    let sql = "INSERT INTO projects (workspace_id, name, slug) VALUES ($1, 'P', 'p') RETURNING id";
    let project = c.query_one(sql, &[&workspace]).unwrap().get(0);
    let agent = NewAgent::new(workspace, AgentLevel::Organization, "a1", "A", "R", "k");
    (project, Agent::insert(c, &agent).unwrap())
}

/// Every patch of the columns `agents_agent_level_scope` reads, and of those of
/// `sessions_stopped_after_start`, judged by `validate()` and by PostgreSQL's UPDATE: they agree
/// wherever the patch sets every column the CHECK reads, and `validate()` leaves the rest to
/// the database.
#[test]
fn a_patch_is_checked_against_the_checks_it_can_decide_as_postgresql_does() {
    let test_db = database();
    let mut c = strata::Client::new(test_db.client());
    let (project, agent) = project_and_agent(&mut c);

    let (mut decided, mut left) = (0, 0);
    let levels = [None, Some(AgentLevel::Organization), Some(AgentLevel::Project)];
    let projects = [None, Some(None), Some(Some(project))];
    for level in levels {
        for project_id in projects {
            let patch = AgentPatch { agent_level: level, project_id, ..AgentPatch::default() };
            let ours = patch.validate().is_ok();
            let mut tx = strata::Conn::transaction(&mut c).unwrap();
            let theirs = match strata::Db::run(
                &mut tx,
                strata::table::update_unvalidated::<Agent>(vec![(&agent.id).into()], &patch),
            ) {
                Ok(_) => true,
                Err(Error::Constraint(v)) if v.constraint == "agents_agent_level_scope" => false,
                Err(e) => panic!("{patch:?}: {e}"),
            };
            drop(tx);
            if level.is_some() && project_id.is_some() {
                assert_eq!(ours, theirs, "{patch:?}: validate() and PostgreSQL disagree");
                decided += 1;
            } else {
                assert!(ours, "{patch:?}: a patch that sets part of the CHECK's columns is left to the database");
                left += 1;
            }
        }
    }
    assert_eq!((decided, left), (4, 5));
}

/// The same with timestamps drawn at random, over `sessions_stopped_after_start`.
#[test]
fn a_patch_of_timestamps_is_checked_as_postgresql_does() {
    use proptest::prelude::*;
    let test_db = database();
    let mut c = strata::Client::new(test_db.client());
    let (project, agent) = project_and_agent(&mut c);
    let session = Session::insert(&mut c, &NewSession::new(agent.id, project)).unwrap();

    let at = |s: i64| strata::reexports::chrono::DateTime::from_timestamp(s, 0).unwrap().naive_utc();
    let moment = prop_oneof![Just(None), (0i64..4_000_000_000).prop_map(Some)];
    let config = proptest::test_runner::Config { cases: 400, failure_persistence: None, ..Default::default() };
    let rng = proptest::test_runner::TestRng::deterministic_rng(proptest::test_runner::RngAlgorithm::ChaCha);
    let mut runner = proptest::test_runner::TestRunner::new_with_rng(config, rng);
    let counts = std::cell::RefCell::new((0, 0, 0));
    let c = std::cell::RefCell::new(c);
    runner
        .run(&(0i64..4_000_000_000, moment, any::<bool>()), |(started, stopped, set_both)| {
            let patch = SessionPatch {
                started_at: Some(at(started)),
                stopped_at: if set_both { Some(stopped.map(at)) } else { None },
                ..SessionPatch::default()
            };
            let ours = patch.validate().is_ok();
            let mut c = c.borrow_mut();
            let mut tx = strata::Conn::transaction(&mut *c).unwrap();
            let theirs = match strata::Db::run(
                &mut tx,
                strata::table::update_unvalidated::<Session>(vec![(&session.id).into()], &patch),
            ) {
                Ok(_) => true,
                Err(Error::Constraint(v)) if v.constraint == "sessions_stopped_after_start" => false,
                Err(e) => panic!("{patch:?}: {e}"),
            };
            let mut counts = counts.borrow_mut();
            if set_both {
                prop_assert_eq!(ours, theirs, "{:?}", patch);
                counts.0 += 1;
                counts.2 += usize::from(!theirs);
            } else {
                prop_assert!(ours);
                counts.1 += 1;
            }
            Ok(())
        })
        .unwrap();
    let (decided, left, refused) = counts.into_inner();
    eprintln!(
        "sessions_stopped_after_start: {decided} patches judged alike by validate() and PostgreSQL \
         ({refused} refused by both), {left} left to it"
    );
    assert!(decided > 150 && left > 150 && refused > 30, "{decided} {left} {refused}");
}
