//! How many worker threads a command runs.

/// The number the user asked for, at least one; one per core when they did not say.
pub(crate) fn resolve(requested: Option<usize>) -> usize {
    requested
        .unwrap_or_else(|| std::thread::available_parallelism().map_or(2, |n| n.get()))
        .max(1)
}
