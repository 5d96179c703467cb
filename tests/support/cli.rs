//! The `strata` binary, as the CLI tests run it.

/// The `strata` binary run with `args`; the environment does not choose its databases.
pub fn strata(args: &[&str]) -> std::process::Output {
    std::process::Command::new(env!("CARGO_BIN_EXE_strata"))
        .args(args)
        .env_remove("DATABASE_URL")
        .env_remove("STRATA_DEV_URL")
        .output()
        .unwrap()
}

pub fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}
