//! Targets: text rendered from the model and its plans.

pub mod docs;
pub mod rust;
pub mod sql;
pub mod toml;
