//! `gazette watch`: index the corpus, then keep the index in step with it as files are
//! written, changed and deleted, until interrupted.

use std::collections::HashMap;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc;
use std::time::{Duration, Instant};

use notify::event::{CreateKind, ModifyKind, RemoveKind};
use notify::{Event, EventKind, RecursiveMode, Watcher};

use super::sync::SyncConfig;
use crate::error::{Error, Result};
use crate::index::sync::Progress;
use crate::walk;

/// A file is indexed once no event has touched it for this long, so that a file still being
/// written is not read half-way (a slow writer costs one extra update, never a lost one).
const QUIET: Duration = Duration::from_millis(300);
/// A file that is never quiet that long (rewritten every 100 ms) is indexed anyway once it has
/// waited this long, at its next pause of `PAUSE`: reading it just after an event would often
/// find it truncated and not yet written again. It waits at most twice this long, pause or not.
const MAX_WAIT: Duration = Duration::from_secs(1);
const PAUSE: Duration = Duration::from_millis(50);
/// The longest the loop sleeps before it checks for a stop request.
const TICK: Duration = Duration::from_millis(100);

/// Runs until `stop` is set; every pass is committed before the next event is handled, so
/// stopping at any point leaves everything seen so far searchable. With `--json` every pass
/// prints its summary, quiet or not, so that a program can follow what the watcher does.
pub fn run(
    config: &SyncConfig,
    stop: &AtomicBool,
    progress: &(dyn Fn(Progress) + Sync),
    out: &mut dyn Write,
) -> Result<()> {
    let (index, mut writer) = config.open()?;
    let mut syncer = config.syncer(&index, &mut writer)?.stop_on(stop);
    // Watching starts before the first pass, so that a file written while it runs is not missed.
    let (tx, rx) = mpsc::channel();
    let mut watcher =
        notify::recommended_watcher(changes(Scope::new(config), tx)).map_err(watch_error)?;
    watcher
        .watch(&config.corpus, RecursiveMode::Recursive)
        .map_err(watch_error)?;
    let first = syncer.full(progress)?;
    config.after_pass(&index)?;
    config.report(&first, out)?;

    let mut pending = Pending::default();
    while !stop.load(Ordering::Relaxed) {
        match rx.recv_timeout(pending.wait(Instant::now())) {
            Ok(Seen::Paths(paths)) => {
                let now = Instant::now();
                for path in paths {
                    pending.touch(path, now);
                }
            }
            Ok(Seen::Everything) => pending.rescan(Instant::now()),
            Err(mpsc::RecvTimeoutError::Timeout) => {}
            Err(mpsc::RecvTimeoutError::Disconnected) => break,
        }
        let summary = match pending.due(Instant::now()) {
            Due::Rescan => syncer.full(&|_| {})?,
            Due::Paths(paths) => syncer.paths(&paths)?,
            Due::Nothing => continue,
        };
        config.after_pass(&index)?;
        if config.json || !summary.is_quiet() {
            config.report(&summary, out)?;
        }
    }
    Ok(())
}

/// What the watcher passes on to the loop.
#[derive(Debug, PartialEq, Eq)]
enum Seen {
    /// These paths, and whatever lies under them, may have changed.
    Paths(Vec<PathBuf>),
    /// Events were lost, or the corpus folder itself changed: only a full walk can tell what
    /// changed.
    Everything,
}

/// Where changes count: the corpus, less the index folder when it lies inside it, whose files
/// change with every commit.
#[derive(Debug)]
struct Scope {
    root: PathBuf,
    index: Option<PathBuf>,
}

impl Scope {
    fn new(config: &SyncConfig) -> Scope {
        let index = std::fs::canonicalize(&config.index).ok();
        Scope {
            index: index
                .filter(|index| index.starts_with(&config.corpus) && *index != config.corpus),
            root: config.corpus.clone(),
        }
    }

    fn covers(&self, path: &Path) -> bool {
        self.index
            .as_ref()
            .is_none_or(|index| !path.starts_with(index))
    }
}

/// The watcher's event handler: passes on what the events say changed in the corpus. Events
/// that change nothing are dropped here, before they wake the loop; among them are all that
/// gazette's own reads and index writes cause, so that a pass never causes another.
fn changes(
    scope: Scope,
    tx: mpsc::Sender<Seen>,
) -> impl FnMut(notify::Result<Event>) + Send + 'static {
    move |event| {
        let seen = match event {
            Ok(event) => seen(&scope, event),
            // The watcher lost track (a folder it could not watch, a read error).
            Err(_) => Some(Seen::Everything),
        };
        if let Some(seen) = seen {
            // Fails only once the loop has stopped, when nothing is left to tell.
            let _ = tx.send(seen);
        }
    }
}

/// What one event says may have changed in `scope`, if anything.
fn seen(scope: &Scope, event: Event) -> Option<Seen> {
    let files_only = match event.kind {
        // Opening, reading, closing: what every walk and read does to files and folders.
        EventKind::Access(_) => return None,
        _ if event.need_rescan() => return Some(Seen::Everything),
        // A change to a file's content, or a file created or removed as such.
        EventKind::Create(CreateKind::File)
        | EventKind::Remove(RemoveKind::File)
        | EventKind::Modify(ModifyKind::Data(_)) => true,
        // A folder created or removed, a rename (of a file or a folder, in, out or within), a
        // change of permissions or times, or an event the platform says no more about: a file
        // or a folder, the path's subtree is synced.
        _ => false,
    };
    let root = &scope.root;
    if event.paths.iter().any(|path| path == root) {
        return Some(Seen::Everything);
    }
    let paths: Vec<PathBuf> = event
        .paths
        .into_iter()
        .filter(|path| scope.covers(path))
        .filter(|path| match files_only {
            true => walk::key_under(root, path).is_some(),
            false => walk::tree_key(root, path).is_some(),
        })
        .collect();
    (!paths.is_empty()).then_some(Seen::Paths(paths))
}

/// When something was first and last touched since it was last indexed.
#[derive(Debug, Clone, Copy)]
struct Touched {
    first: Instant,
    last: Instant,
}

impl Touched {
    fn again(touched: Option<Touched>, now: Instant) -> Touched {
        Touched {
            first: touched.map_or(now, |t| t.first),
            last: now,
        }
    }

    /// The first instant at which it may be read: once quiet for `QUIET`, or after `MAX_WAIT`
    /// at a pause, or after twice `MAX_WAIT` in any case. A later touch only moves it later.
    fn due_at(&self) -> Instant {
        let paused = (self.first + MAX_WAIT).max(self.last + PAUSE);
        (self.last + QUIET)
            .min(paused)
            .min(self.first + 2 * MAX_WAIT)
    }
}

/// What the watcher has seen and not yet indexed. Each path is timed on its own, so a file
/// that keeps changing holds back no other.
#[derive(Debug, Default)]
struct Pending {
    paths: HashMap<PathBuf, Touched>,
    /// Only a walk of the whole corpus can find what changed.
    rescan: Option<Touched>,
    /// No entry is due before this (it may be early, never late), so that a burst of events
    /// does not rescan every pending path for each event.
    next: Option<Instant>,
}

enum Due {
    Rescan,
    Paths(Vec<PathBuf>),
    Nothing,
}

impl Pending {
    fn touch(&mut self, path: PathBuf, now: Instant) {
        let touched = Touched::again(self.paths.get(&path).copied(), now);
        self.paths.insert(path, touched);
        self.expect(touched);
    }

    fn rescan(&mut self, now: Instant) {
        let touched = Touched::again(self.rescan, now);
        self.rescan = Some(touched);
        self.expect(touched);
    }

    fn expect(&mut self, touched: Touched) {
        let at = touched.due_at();
        self.next = Some(self.next.map_or(at, |next| next.min(at)));
    }

    /// How long to wait for the next event: until something is due, or a tick at most.
    fn wait(&self, now: Instant) -> Duration {
        self.next
            .map_or(TICK, |next| next.saturating_duration_since(now))
            .min(TICK)
    }

    /// Takes what is due: a walk (which covers every path), or the paths that are due.
    fn due(&mut self, now: Instant) -> Due {
        if self.next.is_none_or(|next| now < next) {
            return Due::Nothing;
        }
        if self.rescan.is_some_and(|t| t.due_at() <= now) {
            *self = Pending::default();
            return Due::Rescan;
        }
        let mut due = Vec::new();
        self.paths.retain(|path, touched| {
            let is_due = touched.due_at() <= now;
            if is_due {
                due.push(path.clone());
            }
            !is_due
        });
        let left = self.paths.values().chain(&self.rescan);
        self.next = left.map(Touched::due_at).min();
        if due.is_empty() {
            Due::Nothing
        } else {
            Due::Paths(due)
        }
    }
}

fn watch_error(err: notify::Error) -> Error {
    Error::Watch(err.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Touches `busy` every `every` ms from the start and `calm` once at 200 ms; returns when
    /// each was first taken as due, in milliseconds after the start.
    fn first_due(every: u64) -> (Option<u64>, Option<u64>) {
        let start = Instant::now();
        let (busy, calm) = (PathBuf::from("busy.txt"), PathBuf::from("calm.txt"));
        let mut pending = Pending::default();
        let (mut busy_at, mut calm_at) = (None, None);
        for ms in (0..3000).step_by(10) {
            let now = start + Duration::from_millis(ms);
            if ms % every == 0 {
                pending.touch(busy.clone(), now);
            }
            if ms == 200 {
                pending.touch(calm.clone(), now);
            }
            if let Due::Paths(paths) = pending.due(now) {
                if paths.contains(&busy) {
                    busy_at.get_or_insert(ms);
                }
                if paths.contains(&calm) {
                    calm_at.get_or_insert(ms);
                }
            }
        }
        (busy_at, calm_at)
    }

    #[test]
    fn a_busy_file_holds_back_no_other_and_waits_a_bounded_time() {
        // The calm file is due once quiet, the busy one at its first pause after MAX_WAIT...
        assert_eq!(first_due(100), (Some(1050), Some(500)));
        // ...or, if it never pauses, after twice MAX_WAIT.
        assert_eq!(first_due(10), (Some(2000), Some(500)));
    }

    #[test]
    fn a_rescan_covers_every_pending_path() {
        let start = Instant::now();
        let mut pending = Pending::default();
        pending.touch(PathBuf::from("a.txt"), start);
        pending.rescan(start);
        assert!(matches!(pending.due(start), Due::Nothing));
        assert!(matches!(pending.due(start + QUIET), Due::Rescan));
        assert!(matches!(pending.due(start + 2 * QUIET), Due::Nothing));
        assert!(pending.paths.is_empty() && pending.next.is_none());
    }

    #[test]
    fn reads_change_nothing_and_changes_name_what_to_sync() {
        use notify::event::{AccessKind, AccessMode, DataChange, Flag, RenameMode};
        let scope = Scope {
            root: PathBuf::from("/corpus"),
            index: Some(PathBuf::from("/corpus/idx")),
        };
        let at = |kind, path: &str| seen(&scope, Event::new(kind).add_path(PathBuf::from(path)));
        let paths = |path: &str| Some(Seen::Paths(vec![PathBuf::from(path)]));
        // What every walk and read does to folders and files is no change.
        let open = EventKind::Access(AccessKind::Open(AccessMode::Any));
        assert_eq!(at(open, "/corpus/d"), None);
        let close = EventKind::Access(AccessKind::Close(AccessMode::Read));
        assert_eq!(at(close, "/corpus/d/a.txt"), None);
        // A file's content counts for articles only, and not hidden ones.
        let data = EventKind::Modify(ModifyKind::Data(DataChange::Any));
        assert_eq!(at(data, "/corpus/d/a.txt"), paths("/corpus/d/a.txt"));
        let created = EventKind::Create(CreateKind::File);
        assert_eq!(at(created, "/corpus/d/4913"), None);
        assert_eq!(at(created, "/corpus/d/.a.txt.swp"), None);
        assert_eq!(at(created, "/elsewhere/a.txt"), None);
        // A folder, or a rename of anything, is synced with what lies under it.
        let folder = EventKind::Create(CreateKind::Folder);
        assert_eq!(at(folder, "/corpus/d/e"), paths("/corpus/d/e"));
        let renamed = EventKind::Modify(ModifyKind::Name(RenameMode::From));
        assert_eq!(at(renamed, "/corpus/d"), paths("/corpus/d"));
        let removed = EventKind::Remove(RemoveKind::Folder);
        assert_eq!(at(removed, "/corpus/.git/x"), None);
        // The corpus folder itself, or events lost: only a full walk can tell.
        assert_eq!(at(removed, "/corpus"), Some(Seen::Everything));
        let lost = Event::new(EventKind::Other).set_flag(Flag::Rescan);
        assert_eq!(seen(&scope, lost), Some(Seen::Everything));
        // The index's own files change with every commit.
        let renamed_to = EventKind::Modify(ModifyKind::Name(RenameMode::To));
        assert_eq!(at(renamed_to, "/corpus/idx/meta.json"), None);
        assert_eq!(at(renamed_to, "/corpus/idx2"), paths("/corpus/idx2"));
    }
}
