//! The server of `gazette serve`: axum on tokio, a read-only view of the index whose reader
//! follows every commit, the JSON API and the embedded page.

mod api;
mod article;
mod cache;
mod page;
mod related;
mod warm;

use std::net::SocketAddr;
use std::path::Path;
use std::sync::Arc;

use axum::Router;
use axum::routing::get;
use tantivy::{IndexReader, ReloadPolicy, Searcher};
use tokio::sync::Notify;

use crate::error::{Error, Result};
use crate::index::GazetteIndex;
use crate::index::names::{Aliases, book};

/// The largest `limit` and `offset` a search may ask for (the CLI's bounds), and the bytes of
/// responses kept for repeated requests.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Limits {
    pub limit: usize,
    pub offset: usize,
    pub cache_bytes: usize,
}

/// What every request reads: the index and a reader that tantivy reloads whenever a commit
/// lands, whichever process made it.
pub(crate) struct Served {
    index: GazetteIndex,
    reader: IndexReader,
    limits: Limits,
    /// The alias rules as last read, parsed again only when their file's text changes.
    aliases: std::sync::Mutex<AliasFile>,
    /// Responses already given for the commit served.
    cache: cache::Responses,
    /// The statistics of the last commit they were counted on, by its segments and alias
    /// rules ([`book::stamp`]) rather than the reader's generation, which also changes when
    /// tantivy reloads the same commit, as it does once just after the server starts.
    stats: std::sync::Mutex<Option<(u64, axum::body::Bytes)>>,
    /// One permit per core: the queries that may run at once.
    turns: tokio::sync::Semaphore,
    /// Called by the reader with each commit before it is served; kept here because the
    /// reader holds it weakly.
    _warmer: Arc<warm::Warmer>,
    read_ahead: warm::ReadAhead,
}

/// The alias rules recorded in the index folder, with the text they were read from and a
/// version that grows with each change. The text is compared, not the file's size and time: a
/// rewrite of the same size within one tick of the clock would look unchanged, and the small
/// file costs little to read.
#[derive(Default)]
struct AliasFile {
    text: Option<Vec<u8>>,
    aliases: Aliases,
    version: u64,
}

impl Served {
    /// The index at its latest loaded commit, with the stamp of what it answers from; one
    /// request sees one commit throughout.
    fn view(&self) -> Result<(GazetteIndex, cache::Stamp)> {
        self.view_of(self.reader.searcher())
    }

    /// The index seen through `searcher`, which may be a commit not yet served.
    fn view_of(&self, searcher: Searcher) -> Result<(GazetteIndex, cache::Stamp)> {
        let generation = searcher.generation().generation_id();
        let known = self.aliases_now()?;
        let at = (generation, known.version);
        Ok((self.index.seen_with(searcher, known.aliases.clone()), at))
    }

    /// The stamp [`Served::view`] would give, without making the view: enough to find a
    /// kept answer.
    fn stamp(&self) -> Result<cache::Stamp> {
        let generation = self.reader.searcher().generation().generation_id();
        Ok((generation, self.aliases_now()?.version))
    }

    /// Readies the commit `searcher` sees for the searches of the page: its name book and
    /// what its facet counts need, and its segments' files in the file system's cache. With
    /// `stats`, the statistics too, which the page asks for when it opens.
    fn warm(&self, searcher: Searcher, stats: bool) -> Result<()> {
        let (index, _) = self.view_of(searcher)?;
        book::prepare_facets(&index.names()?, &index.searcher()?)?;
        // The statistics first: the page asks for them as soon as it opens.
        if stats {
            let commit = self.commit_of(&index.searcher()?)?;
            self.keep_stats(commit, api::stats_body(&index)?);
        }
        self.read_ahead.read(&index.dir, &index.searcher()?);
        Ok(())
    }

    /// What the commit `searcher` sees holds, with the alias rules: the same for every
    /// reload of one commit.
    fn commit_of(&self, searcher: &Searcher) -> Result<u64> {
        Ok(book::stamp(searcher, &self.aliases_now()?.aliases))
    }

    /// Keeps `body` as the statistics of `commit` (a [`Served::commit_of`]). Commits follow
    /// one another, so the last counted replaces any other.
    fn keep_stats(&self, commit: u64, body: axum::body::Bytes) {
        *self.stats.lock().unwrap_or_else(|e| e.into_inner()) = Some((commit, body));
    }

    /// The statistics kept for the commit served now, if any.
    fn kept_stats(&self) -> Result<Option<axum::body::Bytes>> {
        let now = self.commit_of(&self.reader.searcher())?;
        let slot = self.stats.lock().unwrap_or_else(|e| e.into_inner());
        Ok(slot
            .as_ref()
            .filter(|(commit, _)| *commit == now)
            .map(|(_, b)| b.clone()))
    }

    /// The alias rules as the recorded file holds them now, read again when its text changed.
    fn aliases_now(&self) -> Result<std::sync::MutexGuard<'_, AliasFile>> {
        let file = self.index.aliases_file();
        let text = (file.as_ref()).and_then(|path| std::fs::read(path).ok());
        let mut known = self.aliases.lock().unwrap_or_else(|e| e.into_inner());
        if known.text != text {
            known.aliases = match (&file, &text) {
                (Some(path), Some(bytes)) => Aliases::from_bytes(path, bytes.clone())?,
                _ => Aliases::default(),
            };
            known.text = text;
            known.version += 1;
        }
        Ok(known)
    }
}

/// A bound server, not yet answering.
pub(crate) struct Server {
    runtime: tokio::runtime::Runtime,
    listener: std::net::TcpListener,
    served: Arc<Served>,
    stop: Arc<Notify>,
}

/// Stops a running server from any thread.
#[derive(Clone)]
pub(crate) struct Stopper(Arc<Notify>);

impl Stopper {
    pub fn stop(&self) {
        // A stored permit, so a stop before the server waits is not lost.
        self.0.notify_one();
    }
}

impl Server {
    /// Opens the index read-only and binds `addr`.
    pub fn start(dir: &Path, addr: SocketAddr, limits: Limits) -> Result<Server> {
        let index = GazetteIndex::open(dir)?;
        let warmer = Arc::new(warm::Warmer::default());
        let reader = index
            .index
            .reader_builder()
            .reload_policy(ReloadPolicy::OnCommitWithDelay)
            .warmers(vec![
                Arc::downgrade(&warmer) as std::sync::Weak<dyn tantivy::Warmer>
            ])
            .try_into()?;
        let listener = std::net::TcpListener::bind(addr)
            .and_then(|l| l.set_nonblocking(true).map(|()| l))
            .map_err(|e| Error::Serve(format!("cannot listen on {addr}: {e}")))?;
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .enable_all()
            .thread_name("gazette-serve")
            .build()
            .map_err(|e| Error::Serve(format!("cannot start the runtime: {e}")))?;
        let served = Arc::new(Served {
            index,
            reader,
            limits,
            aliases: std::sync::Mutex::default(),
            cache: cache::Responses::new(limits.cache_bytes),
            stats: std::sync::Mutex::default(),
            turns: tokio::sync::Semaphore::new(
                std::thread::available_parallelism().map_or(2, |n| n.get()),
            ),
            _warmer: warmer.clone(),
            read_ahead: warm::ReadAhead::default(),
        });
        // Weak, so that the reader's hook does not keep the server alive.
        let weak = Arc::downgrade(&served);
        warmer.set(Box::new(move |searcher: &Searcher| {
            if let Some(served) = weak.upgrade() {
                // A reload warms no statistics: the page asks for them when it opens, not
                // after every commit. Warming fails only where the request would, which
                // then reports it.
                let _ = served.warm(searcher.clone(), false);
            }
        }));
        Ok(Server {
            runtime,
            listener,
            served,
            stop: Arc::new(Notify::new()),
        })
    }

    pub fn addr(&self) -> SocketAddr {
        self.listener
            .local_addr()
            .expect("a bound socket has an address")
    }

    pub fn stopper(&self) -> Stopper {
        Stopper(self.stop.clone())
    }

    /// Answers requests until Ctrl-C, SIGTERM or the stopper; requests under way are finished.
    pub fn wait(self) -> Result<()> {
        let Server {
            runtime,
            listener,
            served,
            stop,
        } = self;
        let served = runtime.block_on(async move {
            // Only a head start: a request that comes first works the same out itself, and
            // fails the same way if it cannot.
            let early = served.clone();
            tokio::task::spawn_blocking(move || early.warm(early.reader.searcher(), true).ok());
            let listener = tokio::net::TcpListener::from_std(listener)
                .map_err(|e| Error::Serve(e.to_string()))?;
            axum::serve(listener, router(served))
                .with_graceful_shutdown(stopped(stop))
                .await
                .map_err(|e| Error::Serve(e.to_string()))
        });
        // The answers under way are finished; the head start is not waited for.
        runtime.shutdown_background();
        served
    }
}

async fn stopped(stop: Arc<Notify>) {
    let interrupted = async {
        // Without a handler there is no Ctrl-C to wait for; the other ways still stop it.
        if tokio::signal::ctrl_c().await.is_err() {
            std::future::pending::<()>().await;
        }
    };
    let terminated = async {
        #[cfg(unix)]
        if let Ok(mut term) =
            tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate())
        {
            term.recv().await;
            return;
        }
        std::future::pending::<()>().await;
    };
    tokio::select! {
        () = interrupted => {}
        () = terminated => {}
        () = stop.notified() => {}
    }
}

fn router(served: Arc<Served>) -> Router {
    Router::new()
        .route("/", get(page::index))
        .route("/app.js", get(page::script))
        .route("/style.css", get(page::style))
        .route("/api/search", get(api::search))
        .route("/api/stats", get(api::stats))
        .route("/api/articles/{*key}", get(api::article))
        .fallback(api::not_found)
        .layer(axum::middleware::from_fn(api::limits))
        .with_state(served)
}
