//! The README's async example on a live database: migrated from async code, then eight teams
//! hired at once by tasks on a multi-threaded runtime, sharing a pool of two connections.

use strata::testing::TestDb;

#[test]
fn teams_are_hired_concurrently_on_a_pool() {
    let db = TestDb::new();
    let runtime = tokio::runtime::Runtime::new().unwrap();
    let pool = strata::async_conn::pool(&db.url(), 2).unwrap();
    let leads = runtime.block_on(async {
        // Migrated from async code, by the one runner (on the blocking pool).
        let migrator = strata::embed_migrations!("generated/app/migrations");
        let done = migrator.up_async(db.config(), None).await.unwrap();
        assert_eq!(done.len(), 1);
        assert!(migrator.up_async(db.config(), None).await.unwrap().is_empty(), "nothing left to migrate");
        let tasks: Vec<_> = (0..8)
            .map(|_| {
                let pool = pool.clone();
                tokio::spawn(
                    async move { strata_readme_app::pooled::hire_team(&pool, &["Ada", "Grace", "Linus"]).await },
                )
            })
            .collect();
        let mut leads = Vec::new();
        for task in tasks {
            leads.push(task.await.unwrap().unwrap());
        }
        leads
    });
    assert!(leads.iter().all(|lead| lead.name == "Lead"));
    let mut client = db.client();
    let (workspaces, agents): (i64, i64) = {
        let row =
            client.query_one("SELECT (SELECT count(*) FROM workspaces), (SELECT count(*) FROM agents)", &[]).unwrap();
        (row.get(0), row.get(1))
    };
    assert_eq!((workspaces, agents), (8, 24));
    assert!(pool.status().size <= 2, "{:?}", pool.status());
}
