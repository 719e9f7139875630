//! How many worker threads a command runs.

use super::bounds;
use crate::error::Result;

/// The number the user asked for, at least one and at most [`bounds::THREADS`]; one per core
/// when they did not say.
pub(crate) fn resolve(requested: Option<usize>) -> Result<usize> {
    let threads = requested
        .unwrap_or_else(|| std::thread::available_parallelism().map_or(2, |n| n.get()))
        .max(1);
    bounds::at_most("threads", threads, bounds::THREADS)
}
