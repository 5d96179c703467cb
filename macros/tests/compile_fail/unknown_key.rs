use strata::reexports::uuid::Uuid;

#[derive(strata::Table)]
#[strata(table = "tags")]
pub struct Tag {
    #[strata(primary_key, default = "gen_random_uuid()")]
    pub id: Uuid,
    #[strata(type = "varchar(50)", uniqe)]
    pub name: String,
}

fn main() {}
