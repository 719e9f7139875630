//! `gazette watch`: index the corpus, then keep the index in step with it as files are
//! written, changed and deleted, until interrupted.

use std::collections::HashMap;
use std::io::Write;
use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc;
use std::time::{Duration, Instant};

use notify::{RecursiveMode, Watcher};

use super::sync::SyncConfig;
use crate::error::{Error, Result};
use crate::index::sync::{Progress, Syncer};

/// A file is indexed once no event has touched it for this long, so that a file still being
/// written is not read half-way (a slow writer costs one extra update, never a lost one).
const QUIET: Duration = Duration::from_millis(300);
/// How often the loop wakes to check for settled files and for a stop request.
const TICK: Duration = Duration::from_millis(100);

/// Runs until `stop` is set; every pass is committed before the next event is handled, so
/// stopping at any point leaves everything seen so far searchable.
pub fn run(
    config: &SyncConfig,
    stop: &AtomicBool,
    progress: &(dyn Fn(Progress) + Sync),
    out: &mut dyn Write,
) -> Result<()> {
    let (index, mut writer) = config.open()?;
    let mut syncer = Syncer::new(&index, &mut writer, config.sync.clone())?.stop_on(stop);
    let first = syncer.full(progress)?;
    config.report(&first, out)?;

    let (tx, rx) = mpsc::channel();
    let mut watcher = notify::recommended_watcher(tx).map_err(watch_error)?;
    watcher
        .watch(&config.corpus, RecursiveMode::Recursive)
        .map_err(watch_error)?;

    let mut pending: HashMap<PathBuf, Instant> = HashMap::new();
    let mut rescan = false;
    while !stop.load(Ordering::Relaxed) {
        match rx.recv_timeout(TICK) {
            Ok(Ok(event)) => {
                rescan |= event.need_rescan();
                for path in event.paths {
                    // A folder created, moved or deleted as a whole brings no event for the
                    // files inside it: only a walk finds them.
                    if path.is_dir() || !path.exists() && path.extension().is_none() {
                        rescan = true;
                    }
                    pending.insert(path, Instant::now());
                }
            }
            // The watcher lost track (queue overflow and the like): walk everything.
            Ok(Err(_)) => rescan = true,
            Err(mpsc::RecvTimeoutError::Timeout) => {}
            Err(mpsc::RecvTimeoutError::Disconnected) => break,
        }
        if pending.values().any(|t| t.elapsed() < QUIET) {
            continue;
        }
        let summary = if rescan {
            pending.clear();
            rescan = false;
            syncer.full(&|_| {})?
        } else if !pending.is_empty() {
            let settled: Vec<PathBuf> = pending.drain().map(|(p, _)| p).collect();
            syncer.paths(&settled)?
        } else {
            continue;
        };
        if !summary.is_quiet() {
            config.report(&summary, out)?;
        }
    }
    Ok(())
}

fn watch_error(err: notify::Error) -> Error {
    Error::Watch(err.to_string())
}
