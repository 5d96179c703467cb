use strata::reexports::uuid::Uuid;

#[derive(strata::Table)]
#[strata(table = "tags")]
pub struct Tag {
    #[strata(primary_key)]
    pub id: Uuid,
    #[strata(type = "varchr(50)")]
    pub name: String,
}

fn main() {}
