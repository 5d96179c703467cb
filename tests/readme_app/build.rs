fn main() {
    strata_codegen::Builder::new("schema/app").generate().expect("schema/app compiles");
    println!("cargo::rerun-if-changed=schema/app");
}
