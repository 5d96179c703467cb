//! The strata runtime: what generated code and its tests use at run time.
//!
//! It never depends on the compiler (`strata-codegen`); the CLI, behind the default `cli`
//! feature, does. Generated code depends on `strata` with `default-features = false`.

mod validate;

pub use validate::{Redacted, Validate, Violation, Violations};

/// What a generated query helper can fail with.
#[derive(Debug)]
pub enum Error {
    /// The value broke rules of the declaration; nothing was sent to the database.
    Invalid(Violations),
    Db(postgres::Error),
}

impl std::fmt::Display for Error {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Error::Invalid(v) => write!(f, "invalid: {v}"),
            Error::Db(e) => write!(f, "database: {e}"),
        }
    }
}

impl std::error::Error for Error {}

impl From<Violations> for Error {
    fn from(v: Violations) -> Self {
        Error::Invalid(v)
    }
}

impl From<postgres::Error> for Error {
    fn from(e: postgres::Error) -> Self {
        Error::Db(e)
    }
}

/// The crates generated code uses, re-exported so it depends on `strata` alone.
pub mod reexports {
    pub use chrono;
    pub use postgres;
    pub use regex;
    pub use rust_decimal;
    pub use serde;
    pub use serde_json;
    pub use uuid;
}

#[cfg(feature = "testing")]
pub mod testing;
