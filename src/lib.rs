//! The strata runtime: what generated code and its tests use at run time.
//!
//! It never depends on the compiler (`strata-codegen`); the CLI, behind the default `cli`
//! feature, does. Generated code depends on `strata` with `default-features = false`.

#[cfg(feature = "testing")]
pub mod testing;
