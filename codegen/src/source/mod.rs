//! Sources: each turns one kind of schema description into the `Schema` model.

pub mod live;
pub mod rust;
pub mod toml;
