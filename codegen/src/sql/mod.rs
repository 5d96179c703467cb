//! The SQL language, under the model: identifiers and literals quoted as PostgreSQL needs them
//! (`ident.rs`), what an expression or statement reads and its parse guards (`deps.rs`), and one
//! spelling per expression (`normalize.rs`). Nothing here knows the model; the SQL spelling of
//! model objects is the model's own (`model/sql.rs`), and statements are the SQL target's.

mod ident;

pub mod deps;
pub mod normalize;

pub use ident::{PUBLIC, ident, is_plain_word, literal, qualified, reserved_words};
