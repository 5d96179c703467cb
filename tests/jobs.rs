//! pg_cron jobs for real: a server with pg_cron preloaded, each system's schema in a database of
//! its own name, jobs.sql run in pg_cron's database; the jobs are registered as declared, run
//! their commands successfully, and re-running jobs.sql replaces rather than duplicates them.

mod support;

use std::path::Path;

use postgres::NoTls;
use strata::testing::Server;
use strata_codegen::{generate, io};

#[test]
fn scheduled_jobs_register_and_their_commands_run() {
    if !Server::local_has_module("pg_cron") {
        strata::testing::missing(
            "STRATA_REQUIRE_PG_CRON",
            "scheduled_jobs_register_and_their_commands_run",
            "pg_cron",
            "Debian: postgresql-15-cron",
        );
        return;
    }
    let server =
        Server::start_local_with(&[("shared_preload_libraries", "pg_cron"), ("cron.database_name", "postgres")])
            .unwrap_or_else(|e| panic!("cannot start a server with pg_cron: {e}"));
    let mut cron = server.config("postgres").connect(NoTls).unwrap();
    cron.batch_execute("CREATE EXTENSION IF NOT EXISTS pg_cron").unwrap();
    let mut systems = 0;
    for dir in io::schema_folders(Path::new("schema")).unwrap() {
        let declared = io::compile_folder(&dir).unwrap().schema.unwrap();
        if declared.jobs.is_empty() {
            continue;
        }
        systems += 1;
        cron.batch_execute(&format!("CREATE DATABASE {}", declared.name)).unwrap();
        let mut app = server.config(&declared.name).connect(NoTls).unwrap();
        let (schema, _) = support::applicable(&mut app, &declared);
        let files = generate::files(&schema);
        app.batch_execute(&files[0].1).unwrap();
        let jobs = &files.iter().find(|(p, _)| p == "jobs.sql").expect("jobs.sql").1;
        for _ in 0..2 {
            cron.batch_execute(&format!("SET strata.database = '{}'; {jobs}", declared.name)).unwrap();
        }
        let rows = cron
            .query(
                "SELECT jobname, schedule, command, database FROM cron.job WHERE database = $1 ORDER BY jobname",
                &[&declared.name],
            )
            .unwrap();
        let have: Vec<(String, String, String, String)> =
            rows.iter().map(|r| (r.get(0), r.get(1), r.get(2), r.get(3))).collect();
        let mut want: Vec<_> = schema
            .jobs
            .iter()
            .map(|j| (j.name.clone(), j.schedule.clone(), j.command.sql.clone(), declared.name.clone()))
            .collect();
        want.sort();
        assert_eq!(have, want, "{}: registered once each, as declared", declared.name);
        for j in &schema.jobs {
            app.batch_execute(&j.command.sql)
                .unwrap_or_else(|e| panic!("{}: job {} fails: {e:?}", declared.name, j.name));
        }
    }
    assert!(systems >= 2, "the seeds' jobs are declared");
    drop(cron);
    server.stop();
}
