//! The generated helpers on tokio-postgres (feature `async`): the same [`Query`] values the
//! synchronous [`Conn`](crate::Conn) runs, run without blocking.
//!
//! What runs them: a `tokio_postgres::Client` or `Transaction` (each statement prepared on every
//! call), and deadpool-postgres's `ClientWrapper`, pooled `Object` and `Transaction`, which
//! prepare each statement once per connection: a pooled connection keeps its statements from
//! one checkout to the next. [`connect`] opens one such connection, [`pool`] a pool of them.
//!
//! ```text
//! let pool = strata::async_conn::pool(&url, 16)?;
//! let mut db = pool.get().await?;
//! let user = User::insert(&mut db, &NewUser::new("ada@example.com", "x", "Ada")).await?;
//! ```

use std::future::Future;
use std::pin::Pin;

use tokio_postgres::{GenericClient, NoTls, Statement};

use crate::Error;
use crate::query::{Batch, Db, Param, Query, Read, Work};

/// The pool [`pool`] builds (deadpool-postgres's); a connection from it runs every helper.
pub use deadpool_postgres::{Object, Pool};

/// A boxed future that can move between threads: what async helpers return.
pub type BoxFuture<'a, T> = Pin<Box<dyn Future<Output = T> + Send + 'a>>;

/// An asynchronous connection or transaction generated queries can run on.
pub trait AsyncConn: Send + Sync {
    /// The tokio-postgres client or transaction statements run on.
    type Client: GenericClient + Sync;
    /// What [`AsyncConn::transaction`] starts (a savepoint inside a transaction).
    type Tx<'a>: AsyncTx
    where
        Self: 'a;

    fn client(&self) -> &Self::Client;

    /// `sql` prepared on this connection (from its cache where it keeps one).
    fn statement(&self, sql: &str) -> impl Future<Output = Result<Statement, postgres::Error>> + Send;

    fn transaction(&mut self) -> impl Future<Output = Result<Self::Tx<'_>, postgres::Error>> + Send;
}

/// A transaction: an [`AsyncConn`] that ends in a commit (or, dropped, in a rollback).
pub trait AsyncTx: AsyncConn {
    fn commit(self) -> impl Future<Output = Result<(), postgres::Error>> + Send;
}

impl AsyncConn for tokio_postgres::Client {
    type Client = Self;
    type Tx<'a> = tokio_postgres::Transaction<'a>;

    fn client(&self) -> &Self {
        self
    }

    async fn statement(&self, sql: &str) -> Result<Statement, postgres::Error> {
        self.prepare(sql).await
    }

    async fn transaction(&mut self) -> Result<tokio_postgres::Transaction<'_>, postgres::Error> {
        tokio_postgres::Client::transaction(self).await
    }
}

impl<'t> AsyncConn for tokio_postgres::Transaction<'t> {
    type Client = Self;
    type Tx<'a>
        = tokio_postgres::Transaction<'a>
    where
        Self: 'a;

    fn client(&self) -> &Self {
        self
    }

    async fn statement(&self, sql: &str) -> Result<Statement, postgres::Error> {
        self.prepare(sql).await
    }

    async fn transaction(&mut self) -> Result<tokio_postgres::Transaction<'_>, postgres::Error> {
        tokio_postgres::Transaction::transaction(self).await
    }
}

impl AsyncTx for tokio_postgres::Transaction<'_> {
    async fn commit(self) -> Result<(), postgres::Error> {
        tokio_postgres::Transaction::commit(self).await
    }
}

/// deadpool-postgres's connection, held (`ClientWrapper`) or pooled (`Object`, which derefs to
/// one): statements come from its cache.
macro_rules! caching_connection {
    ($($conn:ty),*) => {$(
        impl AsyncConn for $conn {
            type Client = tokio_postgres::Client;
            type Tx<'a> = deadpool_postgres::Transaction<'a>;

            fn client(&self) -> &tokio_postgres::Client {
                self
            }

            async fn statement(&self, sql: &str) -> Result<Statement, postgres::Error> {
                self.prepare_cached(sql).await
            }

            async fn transaction(&mut self) -> Result<deadpool_postgres::Transaction<'_>, postgres::Error> {
                deadpool_postgres::ClientWrapper::transaction(self).await
            }
        }
    )*};
}

caching_connection!(deadpool_postgres::ClientWrapper, deadpool_postgres::Object);

impl<'t> AsyncConn for deadpool_postgres::Transaction<'t> {
    type Client = tokio_postgres::Transaction<'t>;
    type Tx<'a>
        = deadpool_postgres::Transaction<'a>
    where
        Self: 'a;

    fn client(&self) -> &tokio_postgres::Transaction<'t> {
        self
    }

    async fn statement(&self, sql: &str) -> Result<Statement, postgres::Error> {
        self.prepare_cached(sql).await
    }

    async fn transaction(&mut self) -> Result<deadpool_postgres::Transaction<'_>, postgres::Error> {
        deadpool_postgres::Transaction::transaction(self).await
    }
}

impl AsyncTx for deadpool_postgres::Transaction<'_> {
    async fn commit(self) -> Result<(), postgres::Error> {
        deadpool_postgres::Transaction::commit(self).await
    }
}

/// [`Db`] for each asynchronous connection: `run` returns a future of the result.
macro_rules! runs_async {
    ($(<$($l:lifetime)?> $conn:ty),*) => {$(
        impl<$($l)?> Db for $conn {
            type Out<'a, O: Send + 'a>
                = BoxFuture<'a, Result<O, Error>>
            where
                Self: 'a;

            fn run<'a, O: Send + 'a>(&'a mut self, query: Result<Query<'a, O>, Error>) -> Self::Out<'a, O> {
                // The batch's transaction is begun here, where the connection's type is known:
                // a future generic over `AsyncConn::Tx` cannot be proven `Send` (rust#100013).
                Box::pin(async move {
                    let Query { work, constraints } = query?;
                    let failed = |e| Error::from_db(e, constraints);
                    match work {
                        Work::Statement(statement, read) => run_on(&*self, &statement, read).await.map_err(failed),
                        Work::Batch(parts, read) => {
                            let tx = AsyncConn::transaction(self).await.map_err(failed)?;
                            batch_in(tx, &parts).await.map(read).map_err(failed)
                        }
                        Work::Known(out) => Ok(out),
                    }
                })
            }
        }
    )*};
}

runs_async!(
    <> tokio_postgres::Client,
    <'t> tokio_postgres::Transaction<'t>,
    <> deadpool_postgres::ClientWrapper,
    <> deadpool_postgres::Object,
    <'t> deadpool_postgres::Transaction<'t>
);

/// Runs one statement on an asynchronous connection: what every async helper comes to.
async fn run_on<C: AsyncConn, O>(
    db: &C,
    statement: &crate::query::Statement<'_>,
    read: Read<O>,
) -> Result<O, postgres::Error> {
    let prepared = db.statement(&statement.sql).await?;
    let values = statement.values();
    let client = db.client();
    match read {
        Read::Rows(read) => read(client.query(&prepared, &values).await?),
        Read::Opt(read) => read(client.query_opt(&prepared, &values).await?),
        Read::One(read) => read(client.query_one(&prepared, &values).await?),
        Read::Count(read) => Ok(read(client.execute(&prepared, &values).await?)),
    }
}

/// Runs a batch's parts in `tx` and commits; how many rows it wrote.
async fn batch_in<T: AsyncTx>(tx: T, parts: &[Batch<'_>]) -> Result<u64, postgres::Error> {
    let mut written = 0;
    for part in parts {
        written += match part {
            Batch::Insert(statement) => {
                let prepared = tx.statement(&statement.sql).await?;
                tx.client().execute(&prepared, &statement.values()).await?
            }
            Batch::Copy { copy, types_of, rows } => {
                let types = tx.statement(types_of).await?.params().to_vec();
                let sink = tx.client().client().copy_in(copy.as_str()).await?;
                let writer = tokio_postgres::binary_copy::BinaryCopyInWriter::new(sink, &types);
                let mut writer = std::pin::pin!(writer);
                for row in rows {
                    let values: Vec<_> = row.iter().map(Param::value).collect();
                    writer.as_mut().write(&values).await?;
                }
                writer.finish().await?
            }
        };
    }
    tx.commit().await?;
    Ok(written)
}

/// Runs `f` in a transaction in which `setting` (such as `app.current_tenant_id`) is `value`,
/// bound as a parameter and scoped to the transaction, as [`crate::with_setting`] does: a pooled
/// connection never carries one tenant into the next request. `f` returns a boxed future
/// (`|tx| Box::pin(async move { ... })`), so the whole can be spawned.
pub async fn with_setting<'c, C, T, F>(conn: &'c mut C, setting: &str, value: &str, f: F) -> Result<T, Error>
where
    C: AsyncConn,
    F: for<'t> FnOnce(&'t mut C::Tx<'c>) -> BoxFuture<'t, Result<T, Error>>,
{
    let mut tx = conn.transaction().await?;
    let statement = tx.statement("SELECT set_config($1, $2, true)").await?;
    tx.client().execute(&statement, &[&setting, &value]).await?;
    let out = f(&mut tx).await?;
    tx.commit().await?;
    Ok(out)
}

/// One connection to `url` that prepares each statement once; its connection task runs on the
/// current tokio runtime.
pub async fn connect(url: &str) -> Result<deadpool_postgres::ClientWrapper, Error> {
    let (client, connection) = tokio_postgres::connect(url, NoTls).await?;
    let task = tokio::spawn(async move {
        // The connection ends when the client is dropped, or with an error the client's next
        // call reports.
        let _ = connection.await;
    });
    Ok(deadpool_postgres::ClientWrapper::new(client, task))
}

/// A pool of at most `size` connections to `url` (deadpool-postgres, without TLS), each keeping
/// its prepared statements from one checkout to the next. A connection is checked with a cheap
/// test before it is handed out again.
pub fn pool(url: &str, size: usize) -> Result<deadpool_postgres::Pool, Error> {
    let config: tokio_postgres::Config = url.parse()?;
    let manager = deadpool_postgres::Manager::from_config(
        config,
        NoTls,
        deadpool_postgres::ManagerConfig { recycling_method: deadpool_postgres::RecyclingMethod::Fast },
    );
    deadpool_postgres::Pool::builder(manager).max_size(size).build().map_err(|e| Error::Pool(e.to_string()))
}
