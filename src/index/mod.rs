//! The on-disk index: the schema, opening and creating an index folder safely, what it holds
//! for each article file, and the incremental sync of a corpus into it.

mod folder;
mod known;
pub(crate) mod names;
mod opened;
mod readonly;
pub(crate) mod schema;
mod stem;
pub mod sync;

pub use opened::GazetteIndex;
pub use schema::Fields;
pub(crate) use stem::{LONGEST, class_run, lower};
