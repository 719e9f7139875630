//! `gazette serve`: the index in a browser, a search page and a JSON API on one address,
//! optionally with the corpus watched in the same process.

use std::io::Write;
use std::net::SocketAddr;
use std::path::PathBuf;

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

use super::bounds;
use super::sync::{SyncArgs, SyncConfig};
use super::watch;
use crate::error::{Error, Result};
use crate::serve;

#[derive(Debug, clap::Args)]
pub struct ServeArgs {
    /// The index folder.
    #[arg(long, default_value = "index")]
    pub(crate) index: PathBuf,
    /// The address to listen on. Anyone who can reach it can read the whole archive, so the
    /// default is this machine only; port 0 picks a free port.
    #[arg(long, default_value = "127.0.0.1:7878")]
    pub(crate) addr: SocketAddr,
    /// Also keep the index in step with this corpus folder, as `gazette watch` does.
    #[arg(long, value_name = "CORPUS")]
    pub(crate) watch: Option<PathBuf>,
    /// Megabytes of search, related and stats responses kept for repeated requests on the
    /// same commit; 0 turns the cache off.
    #[arg(long, value_name = "MB", default_value_t = 64)]
    pub(crate) cache_mb: usize,
}

pub struct ServeConfig {
    pub(crate) index: PathBuf,
    pub(crate) addr: SocketAddr,
    /// The watcher's configuration, the defaults of `gazette watch`.
    pub(crate) watch: Option<SyncConfig>,
    pub(crate) cache_bytes: usize,
}

impl ServeArgs {
    pub fn config(self) -> Result<ServeConfig> {
        let watch = self
            .watch
            .map(|corpus| {
                SyncArgs {
                    corpus,
                    index: self.index.clone(),
                    threads: None,
                    rebuild: false,
                    max_size: bounds::DEFAULT_MAX_SIZE,
                    commit_every: super::sync::DEFAULT_COMMIT_EVERY,
                    json: false,
                    aliases: None,
                }
                .config()
            })
            .transpose()?;
        Ok(ServeConfig {
            index: self.index,
            addr: self.addr,
            watch,
            cache_bytes: self.cache_mb.saturating_mul(1 << 20),
        })
    }
}

/// Serves until Ctrl-C (or SIGTERM). Once listening, writes the address to `out` on one line,
/// and to `warn` a warning when the address is reachable from other machines.
pub fn run(config: &ServeConfig, out: &mut dyn Write, warn: &mut dyn Write) -> Result<()> {
    // The index must exist before the server opens it: the first pass is made here, and the
    // watcher then only follows changes.
    if let Some(sync) = &config.watch {
        super::index::run(sync, &|_| {}, &mut std::io::sink())?;
    }
    let limits = serve::Limits {
        limit: bounds::LIMIT,
        offset: bounds::OFFSET,
        cache_bytes: config.cache_bytes,
    };
    let server = serve::Server::start(&config.index, config.addr, limits)?;
    let addr = server.addr();
    if !addr.ip().is_loopback() {
        writeln!(
            warn,
            "gazette: warning: listening on {addr}, which other machines may reach: anyone who can reach it can read the whole archive"
        )
        .map_err(Error::Output)?;
    }
    writeln!(out, "gazette: serving http://{addr}")
        .and_then(|()| out.flush())
        .map_err(Error::Output)?;
    let stop = Arc::new(AtomicBool::new(false));
    let watcher = config.watch.clone().map(|sync| {
        let (stop, stopper) = (stop.clone(), server.stopper());
        std::thread::spawn(move || {
            let watched = watch::run(&sync, &stop, &|_| {}, &mut std::io::sink());
            // A watcher that fails stops the server, which then reports why.
            stopper.stop();
            watched
        })
    });
    let served = server.wait();
    stop.store(true, Ordering::Relaxed);
    let watched = match watcher {
        Some(thread) => thread
            .join()
            .unwrap_or_else(|_| Err(Error::Watch("the watcher stopped unexpectedly".into()))),
        None => Ok(()),
    };
    served.and(watched)
}
