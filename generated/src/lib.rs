//! The Rust `strata generate` writes for each schema under `schema/`, one module per system.
//! The models are generated (`generated/<system>/models.rs`); this file only gathers them.

pub mod agentflow {
    include!("../agentflow/models.rs");
}
pub mod agentic {
    include!("../agentic/models.rs");
}
pub mod agentworks {
    include!("../agentworks/models.rs");
}
pub mod aiplatform {
    include!("../aiplatform/models.rs");
}
pub mod autosdlc {
    include!("../autosdlc/models.rs");
}
/// strata's own system for the object kinds and options the seeds do not use.
pub mod kinds {
    include!("../kinds/models.rs");
}
