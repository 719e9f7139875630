//! The largest values the numeric flags take, checked when a command's arguments are resolved.
//! Past them a value would overflow, reserve memory without bound or start threads by the
//! thousand, and no one needs one that large.

use crate::error::{Error, Result};

/// `--limit`: hits shown at once.
pub(crate) const LIMIT: usize = 10_000;
/// `--offset`: ranking keeps offset + limit hits in memory, so paging stops somewhere.
pub(crate) const OFFSET: usize = 1_000_000;
/// `--threads`: each is started with buffers of its own, which by the thousand takes seconds,
/// for nothing gained past the machine's cores.
pub(crate) const THREADS: usize = 256;
/// `--max-size`: a file up to this size is read into memory whole.
pub(crate) const MAX_SIZE: u64 = 1 << 30;
/// `--max-size` when it is not given.
pub(crate) const DEFAULT_MAX_SIZE: u64 = 10_000_000;

/// `value`, the value of `--flag`, when it is at most `max`.
pub(crate) fn at_most<T: PartialOrd + ToString>(flag: &'static str, value: T, max: T) -> Result<T> {
    if value > max {
        return Err(Error::FlagTooLarge {
            flag,
            value: value.to_string(),
            max: max.to_string(),
        });
    }
    Ok(value)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn values_up_to_the_bound_pass_and_larger_ones_are_named() {
        assert_eq!(at_most("limit", LIMIT, LIMIT).unwrap(), LIMIT);
        let err = at_most("limit", usize::MAX, LIMIT).unwrap_err().to_string();
        assert_eq!(
            err,
            format!(
                "--limit {} is too large: at most {LIMIT} is allowed",
                usize::MAX
            )
        );
    }
}
