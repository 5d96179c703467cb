use strata::reexports::uuid::Uuid;

#[derive(strata::Table)]
#[strata(table = "tags", check(name = "tags_name_short", expr = "char_length(nmae) < 10"))]
pub struct Tag {
    #[strata(primary_key)]
    pub id: Uuid,
    pub name: String,
}

fn main() {}
