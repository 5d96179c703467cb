use strata::reexports::uuid::Uuid;

#[derive(strata::Table)]
#[strata(table = "tags")]
pub struct Tag {
    #[strata(primary_key)]
    pub id: Uuid,
    pub counts: std::collections::HashMap<String, i32>,
}

fn main() {}
