//! What generated queries run on: a connection or a transaction, through the [`Conn`] trait.
//!
//! [`Client`] wraps a `postgres::Client` with a statement cache, so each statement is prepared
//! once per connection and then only bound and executed: one round trip instead of two. A plain
//! `postgres::Client` or `Transaction` works too; it prepares on every call, as `client.query(&str)`
//! does.

use std::collections::HashMap;

use postgres::types::ToSql;
use postgres::{Row, Statement};

/// The bound values of one statement.
pub type Params<'a> = [&'a (dyn ToSql + Sync)];

/// A connection or transaction generated queries can run on.
pub trait Conn {
    /// What [`Conn::transaction`] starts (a savepoint inside a transaction).
    type Tx<'a>: Tx
    where
        Self: 'a;

    /// `sql` prepared on this connection (from the cache where the connection keeps one).
    fn statement(&mut self, sql: &str) -> Result<Statement, postgres::Error>;

    fn query(&mut self, statement: &Statement, params: &Params<'_>) -> Result<Vec<Row>, postgres::Error>;

    fn query_opt(&mut self, statement: &Statement, params: &Params<'_>) -> Result<Option<Row>, postgres::Error>;

    fn query_one(&mut self, statement: &Statement, params: &Params<'_>) -> Result<Row, postgres::Error>;

    fn execute(&mut self, statement: &Statement, params: &Params<'_>) -> Result<u64, postgres::Error>;

    fn transaction(&mut self) -> Result<Self::Tx<'_>, postgres::Error>;

    /// `COPY ... FROM STDIN`: what the rows are written to.
    fn copy_in(&mut self, sql: &str) -> Result<postgres::CopyInWriter<'_>, postgres::Error>;
}

/// A transaction: a [`Conn`] that ends in a commit (or, dropped, in a rollback).
pub trait Tx: Conn {
    fn commit(self) -> Result<(), postgres::Error>;
}

/// The statements a connection has prepared, by SQL text.
#[derive(Default)]
struct Statements(HashMap<String, Statement>);

impl Statements {
    /// Statements are few (a handful per table, one per set of columns an insert names); past
    /// this bound the cache starts over rather than grow without end.
    const LIMIT: usize = 4096;

    fn get(
        &mut self,
        sql: &str,
        prepare: impl FnOnce(&str) -> Result<Statement, postgres::Error>,
    ) -> Result<Statement, postgres::Error> {
        if let Some(statement) = self.0.get(sql) {
            return Ok(statement.clone());
        }
        let statement = prepare(sql)?;
        if self.0.len() >= Self::LIMIT {
            self.0.clear();
        }
        self.0.insert(sql.to_owned(), statement.clone());
        Ok(statement)
    }
}

/// A `postgres::Client` that prepares each statement once. Prepared statements outlive
/// transactions, so its transactions share the cache. After DDL that changes a table a cached
/// statement reads, start a new `Client`.
pub struct Client {
    client: postgres::Client,
    statements: Statements,
}

impl Client {
    pub fn new(client: postgres::Client) -> Self {
        Client { client, statements: Statements::default() }
    }

    pub fn into_inner(self) -> postgres::Client {
        self.client
    }

    /// How many statements are prepared and kept.
    pub fn cached_statements(&self) -> usize {
        self.statements.0.len()
    }
}

impl From<postgres::Client> for Client {
    fn from(client: postgres::Client) -> Self {
        Client::new(client)
    }
}

impl std::ops::Deref for Client {
    type Target = postgres::Client;

    fn deref(&self) -> &postgres::Client {
        &self.client
    }
}

impl std::ops::DerefMut for Client {
    fn deref_mut(&mut self) -> &mut postgres::Client {
        &mut self.client
    }
}

/// A transaction of a [`Client`], sharing its statement cache.
pub struct Transaction<'a> {
    tx: postgres::Transaction<'a>,
    statements: &'a mut Statements,
}

impl<'a> std::ops::Deref for Transaction<'a> {
    type Target = postgres::Transaction<'a>;

    fn deref(&self) -> &postgres::Transaction<'a> {
        &self.tx
    }
}

impl<'a> std::ops::DerefMut for Transaction<'a> {
    fn deref_mut(&mut self) -> &mut postgres::Transaction<'a> {
        &mut self.tx
    }
}

/// The `postgres` client or transaction a [`Conn`] runs its statements on.
trait Inner {
    type Client: postgres::GenericClient;

    fn inner(&mut self) -> &mut Self::Client;
}

impl Inner for postgres::Client {
    type Client = Self;

    fn inner(&mut self) -> &mut Self {
        self
    }
}

impl Inner for postgres::Transaction<'_> {
    type Client = Self;

    fn inner(&mut self) -> &mut Self {
        self
    }
}

impl Inner for Client {
    type Client = postgres::Client;

    fn inner(&mut self) -> &mut postgres::Client {
        &mut self.client
    }
}

impl<'t> Inner for Transaction<'t> {
    type Client = postgres::Transaction<'t>;

    fn inner(&mut self) -> &mut postgres::Transaction<'t> {
        &mut self.tx
    }
}

/// The [`Conn`] methods that pass a statement on to the [`Inner`] client.
macro_rules! run_on {
    () => {
        fn query(&mut self, statement: &Statement, params: &Params<'_>) -> Result<Vec<Row>, postgres::Error> {
            postgres::GenericClient::query(Inner::inner(self), statement, params)
        }

        fn query_opt(&mut self, statement: &Statement, params: &Params<'_>) -> Result<Option<Row>, postgres::Error> {
            postgres::GenericClient::query_opt(Inner::inner(self), statement, params)
        }

        fn query_one(&mut self, statement: &Statement, params: &Params<'_>) -> Result<Row, postgres::Error> {
            postgres::GenericClient::query_one(Inner::inner(self), statement, params)
        }

        fn execute(&mut self, statement: &Statement, params: &Params<'_>) -> Result<u64, postgres::Error> {
            postgres::GenericClient::execute(Inner::inner(self), statement, params)
        }

        fn copy_in(&mut self, sql: &str) -> Result<postgres::CopyInWriter<'_>, postgres::Error> {
            postgres::GenericClient::copy_in(Inner::inner(self), sql)
        }
    };
}

impl Conn for postgres::Client {
    type Tx<'a> = postgres::Transaction<'a>;

    fn statement(&mut self, sql: &str) -> Result<Statement, postgres::Error> {
        self.prepare(sql)
    }

    run_on!();

    fn transaction(&mut self) -> Result<postgres::Transaction<'_>, postgres::Error> {
        postgres::Client::transaction(self)
    }
}

impl Conn for postgres::Transaction<'_> {
    type Tx<'a>
        = postgres::Transaction<'a>
    where
        Self: 'a;

    fn statement(&mut self, sql: &str) -> Result<Statement, postgres::Error> {
        self.prepare(sql)
    }

    run_on!();

    fn transaction(&mut self) -> Result<postgres::Transaction<'_>, postgres::Error> {
        postgres::Transaction::transaction(self)
    }
}

impl Tx for postgres::Transaction<'_> {
    fn commit(self) -> Result<(), postgres::Error> {
        postgres::Transaction::commit(self)
    }
}

impl Conn for Client {
    type Tx<'a> = Transaction<'a>;

    fn statement(&mut self, sql: &str) -> Result<Statement, postgres::Error> {
        let client = &mut self.client;
        self.statements.get(sql, |sql| client.prepare(sql))
    }

    run_on!();

    fn transaction(&mut self) -> Result<Transaction<'_>, postgres::Error> {
        Ok(Transaction { tx: self.client.transaction()?, statements: &mut self.statements })
    }
}

impl Conn for Transaction<'_> {
    type Tx<'a>
        = Transaction<'a>
    where
        Self: 'a;

    fn statement(&mut self, sql: &str) -> Result<Statement, postgres::Error> {
        let tx = &mut self.tx;
        self.statements.get(sql, |sql| tx.prepare(sql))
    }

    run_on!();

    fn transaction(&mut self) -> Result<Transaction<'_>, postgres::Error> {
        Ok(Transaction { tx: self.tx.transaction()?, statements: self.statements })
    }
}

impl Tx for Transaction<'_> {
    fn commit(self) -> Result<(), postgres::Error> {
        self.tx.commit()
    }
}
