//! Each way of getting a PostgreSQL for tests starts, answers, and stops.
//! `STRATA_REQUIRE_BACKENDS=container,local` (as CI sets it) makes those backends mandatory.

use strata::testing::{Backend, Server};

#[test]
fn backends_start_answer_and_stop() {
    let required = std::env::var("STRATA_REQUIRE_BACKENDS").unwrap_or_default();
    let required: Vec<&str> = required.split(',').map(str::trim).filter(|s| !s.is_empty()).collect();
    let mut worked = Vec::new();
    for backend in Backend::ALL {
        match Server::start(backend) {
            Ok(server) => {
                let mut client = server.config("postgres").connect(postgres::NoTls).unwrap();
                let version: String = client.query_one("SHOW server_version", &[]).unwrap().get(0);
                assert!(version.starts_with("15"), "{backend}: PostgreSQL {version}, expected 15");
                drop(client);
                server.stop();
                worked.push(backend.name());
            }
            Err(e) => {
                assert!(!required.contains(&backend.name()), "required backend {backend} did not start: {e}");
                eprintln!("{backend} backend not available here: {e}");
            }
        }
    }
    assert!(!worked.is_empty(), "no backend could start a PostgreSQL");
    eprintln!("backends that worked: {worked:?}");
}
