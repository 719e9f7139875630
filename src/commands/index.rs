//! `gazette index`: sync a corpus folder into an index folder and report what changed.

use std::io::Write;

use super::sync::SyncConfig;
use crate::error::Result;
use crate::index::sync::{Progress, Summary};

pub fn run(
    config: &SyncConfig,
    progress: &(dyn Fn(Progress) + Sync),
    out: &mut dyn Write,
) -> Result<Summary> {
    let (index, mut writer) = config.open()?;
    let summary = config.syncer(&index, &mut writer)?.full(progress)?;
    config.after_pass(&index)?;
    config.report(&summary, out)?;
    Ok(summary)
}
