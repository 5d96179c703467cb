//! Roles belong to the cluster, not to one database, and an advisory lock is one database's:
//! runners migrating several databases of one cluster at once would race to create and grant
//! the same roles. They take turns on one lock held in the cluster's maintenance database.

use postgres::{Client, Config, NoTls};

/// The lock all databases of a cluster share; held until dropped (its connection closes).
pub struct ClusterLock {
    client: Client,
}

impl ClusterLock {
    /// The key in the maintenance database, apart from any run's record key.
    const KEY: &'static str = "strata: the cluster's roles";

    /// Connects to the maintenance database of `config`'s cluster (`postgres`, else
    /// `template1`, as `createdb` does) and waits for the lock there.
    pub fn take(config: &Config) -> Result<ClusterLock, postgres::Error> {
        let mut maintenance = config.clone();
        let client = match maintenance.dbname("postgres").connect(NoTls) {
            Ok(client) => client,
            Err(e) if e.code() == Some(&postgres::error::SqlState::INVALID_CATALOG_NAME) => {
                maintenance.dbname("template1").connect(NoTls)?
            }
            Err(e) => return Err(e),
        };
        let mut lock = ClusterLock { client };
        lock.client.execute("SELECT pg_advisory_lock(hashtextextended($1, 0))", &[&Self::KEY])?;
        Ok(lock)
    }
}

impl std::fmt::Debug for ClusterLock {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("ClusterLock")
    }
}
