//! Partitioned tables: the partitioning, its partitions and bounds, and who keeps them
//! (`managed_by`: strata's upkeep or pg_partman).

use super::*;

/// `PARTITION BY ...` and the partitions strata creates.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Partitioning {
    pub method: PartitionMethod,
    pub key: Vec<IndexTarget>,
    /// Every partition, generated ones expanded, in creation order.
    pub partitions: Vec<Partition>,
    /// How long rows are kept, as a PostgreSQL interval (`12 months`).
    pub retention: Option<String>,
    /// Who creates the partitions when the declaration does not list them all: `strata` (its
    /// upkeep function), `pg_partman`, or anyone else (`application`). Diffs and drift checks
    /// then leave the range children alone.
    pub managed_by: Option<String>,
    /// Range partitions made at run time relative to the server's clock (by strata or pg_partman).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub premake: Option<Premake>,
    /// Where partitions past retention go instead of being dropped (`retention_action = "archive"`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub archive: Option<String>,
    #[serde(skip)]
    pub span: Span,
}

/// `managed_by` of partitions strata's upkeep function makes (the default with `premake`).
pub const STRATA_UPKEEP: &str = "strata";

/// `managed_by` of partitions pg_partman makes, from the configuration strata gives it.
pub const PG_PARTMAN: &str = "pg_partman";

impl Schema {
    /// Takes who keeps each partitioned table's children, and how (`managed_by`, `premake`,
    /// `retention`, `archive`), from `declared`: a schema read from a catalog cannot know it, and
    /// comparing with the declaration must leave those children alone.
    pub fn take_upkeep_from(&mut self, declared: &Schema) {
        for t in &mut self.tables {
            let d = declared.table(&t.qname());
            let Some(p) = &mut t.partition else { continue };
            if let Some(d) = d.and_then(|d| d.partition.as_ref()).filter(|d| d.managed_by.is_some()) {
                p.managed_by.clone_from(&d.managed_by);
                p.premake.clone_from(&d.premake);
                p.retention.clone_from(&d.retention);
                p.archive.clone_from(&d.archive);
            }
        }
    }
}

impl Partitioning {
    /// Whether it has partitions, or will: declared ones, or those a tool makes at run time.
    pub fn has_children(&self) -> bool {
        !self.partitions.is_empty() || self.managed_by.is_some()
    }

    /// The premade partitions strata's upkeep function keeps, if it keeps this table's.
    pub fn strata_upkeep(&self) -> Option<&Premake> {
        self.premake.as_ref().filter(|_| self.managed_by.as_deref() == Some(STRATA_UPKEEP))
    }

    /// The premade partitions pg_partman keeps, if it keeps this table's.
    pub fn partman_upkeep(&self) -> Option<&Premake> {
        self.premake.as_ref().filter(|_| self.managed_by.as_deref() == Some(PG_PARTMAN))
    }
}

/// Range partitions kept ahead of time: made when the schema is applied and by each upkeep run,
/// relative to the clock of that moment, never to the day the SQL was generated.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Premake {
    pub interval: calendar::Interval,
    /// Partitions after the current one that always exist.
    pub ahead: u32,
    /// Partitions before the current one made too (at first apply), unless past retention.
    pub past: u32,
    /// The name pattern (`{table}_y{yyyy}m{mm}`), as for generated partitions.
    pub name: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum PartitionMethod {
    Range,
    List,
    Hash,
}

impl PartitionMethod {
    pub const ALL: [(&'static str, PartitionMethod); 3] =
        [("range", PartitionMethod::Range), ("list", PartitionMethod::List), ("hash", PartitionMethod::Hash)];

    pub fn sql(self) -> &'static str {
        match self {
            PartitionMethod::Range => "RANGE",
            PartitionMethod::List => "LIST",
            PartitionMethod::Hash => "HASH",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Partition {
    /// A partition may live in another namespace than its parent.
    pub namespace: String,
    pub name: String,
    pub bound: PartitionBound,
    /// Its own storage parameters (`WITH (...)`).
    pub storage: Vec<(String, String)>,
    /// CHECKs, foreign keys and indexes of this partition alone, over its parent's columns.
    pub checks: Vec<Check>,
    pub foreign_keys: Vec<ForeignKey>,
    pub indexes: Vec<Index>,
    /// Its copies of parent indexes under names of its own: (the parent's index, its name).
    /// Created before the parent's index, which then attaches them instead of making its own.
    pub index_names: Vec<(Named, String)>,
    /// Triggers of this partition alone (its parent's are its parent's).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub triggers: Vec<Trigger>,
    #[serde(skip)]
    pub span: Span,
}

/// Bounds are SQL literal text (`'2026-01-01'`), as written in `FOR VALUES`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum PartitionBound {
    /// `FROM (from) TO (to)`: one value per key column.
    Range {
        from: Vec<String>,
        to: Vec<String>,
    },
    In(Vec<String>),
    Hash {
        modulus: u32,
        remainder: u32,
    },
    Default,
}

impl Partition {
    /// A partition with its bound and nothing of its own.
    pub fn new(namespace: &str, name: String, bound: PartitionBound, span: Span) -> Partition {
        Partition {
            namespace: namespace.to_string(),
            name,
            bound,
            storage: Vec::new(),
            checks: Vec::new(),
            foreign_keys: Vec::new(),
            indexes: Vec::new(),
            index_names: Vec::new(),
            triggers: Vec::new(),
            span,
        }
    }
}
