//! `#[derive(strata::Table)]` turns schema errors into compile errors at the attribute that is
//! wrong, with the diagnostic's code, message and help (tests as data: tests/compile_fail/).

#[test]
fn schema_errors_are_compile_errors() {
    trybuild::TestCases::new().compile_fail("tests/compile_fail/*.rs");
}
