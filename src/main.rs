//! The `gazette` binary: parses the command line, runs the command, and turns errors into one
//! line on stderr and a non-zero exit. Everything else lives in the library.

use std::io::{self, IsTerminal, Write};
use std::process::ExitCode;

use clap::Parser;
use gazette::commands::{self, Cli, Command};
use gazette::index::sync::Progress;
use gazette::output;
use gazette::{Error, Result};
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};

/// Indexing allocates and frees heavily, across threads (a document is built by a reading
/// thread and dropped by one of tantivy's), which mimalloc does with less CPU than glibc.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// mimalloc's `mi_option_purge_delay`, which libmimalloc-sys does not name: the option between
/// `mi_option_eager_commit_delay` (14) and `mi_option_use_numa_nodes` (16).
const MI_OPTION_PURGE_DELAY: libmimalloc_sys::mi_option_t = 15;

fn main() -> ExitCode {
    // The memory of one segment's arenas is wanted again for the next segment: handing it back
    // to the system a second later only means faulting it in again.
    // SAFETY: sets an integer option of the allocator; no other thread exists yet.
    unsafe { libmimalloc_sys::mi_option_set(MI_OPTION_PURGE_DELAY, -1) };
    let cli = match Cli::try_parse_from(commands::search::query_words_last(std::env::args_os())) {
        Ok(cli) => cli,
        Err(err) => return usage_error(err),
    };
    match run(cli) {
        Ok(()) => ExitCode::SUCCESS,
        Err(err) if err.is_closed_pipe() => ExitCode::SUCCESS,
        Err(err) => {
            let message = err.to_string();
            let _ = writeln!(io::stderr(), "gazette: {}", output::visible(&message));
            ExitCode::FAILURE
        }
    }
}

/// Help and version go out as clap writes them; a mistake in the arguments is one line, like
/// every other error, with status 2 as usage errors have.
fn usage_error(err: clap::Error) -> ExitCode {
    use clap::error::ErrorKind;
    if matches!(
        err.kind(),
        ErrorKind::DisplayHelp
            | ErrorKind::DisplayVersion
            | ErrorKind::DisplayHelpOnMissingArgumentOrSubcommand
    ) {
        err.exit();
    }
    // clap's first paragraph says what is wrong (a list of missing arguments takes a few lines);
    // the rest is usage and tips.
    let text = err.to_string();
    let first: Vec<&str> = text
        .lines()
        .take_while(|l| !l.is_empty())
        .map(str::trim)
        .collect();
    let first = first.join(" ");
    let message = first.strip_prefix("error: ").unwrap_or(&first);
    let _ = writeln!(
        io::stderr(),
        "gazette: {} (see gazette --help)",
        output::visible(message)
    );
    ExitCode::from(2)
}

fn run(cli: Cli) -> Result<()> {
    let stdout = io::stdout();
    let color = stdout.is_terminal();
    let mut out = io::BufWriter::new(stdout.lock());
    match cli.command {
        Command::Index(args) => {
            let config = args.config()?;
            let bar = progress_bar(!config.json);
            let summary = commands::index::run(&config, &show(&bar), &mut out);
            bar.finish_and_clear();
            summary?;
        }
        Command::Watch(args) => {
            let config = args.config()?;
            let stop = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
            let flag = stop.clone();
            ctrlc::set_handler(move || flag.store(true, std::sync::atomic::Ordering::Relaxed))
                .map_err(|e| Error::Watch(format!("cannot handle Ctrl-C: {e}")))?;
            let bar = progress_bar(!config.json);
            commands::watch::run(&config, &stop, &show(&bar), &mut out)?;
        }
        Command::Search(args) => commands::search::run(&args.config(color)?, &mut out)?,
        Command::Extract(args) => {
            let skipped = commands::extract::run(&args.config(color)?, &mut out)?;
            out.flush().map_err(Error::Output)?;
            report_skips(&skipped).map_err(Error::Output)?;
        }
        Command::Serve(args) => {
            commands::serve::run(&args.config()?, &mut out, &mut io::stderr())?;
        }
        Command::Batch(args) => commands::batch::run(&args, &mut out)?,
        Command::Export(args) => {
            let summary = commands::export::run(&args.config()?, &mut out)?;
            out.flush().map_err(Error::Output)?;
            if let Some(summary) = summary.filter(|_| io::stderr().is_terminal()) {
                let _ = writeln!(
                    io::stderr(),
                    "gazette: exported {} articles and {} removals",
                    summary.sent,
                    summary.removed
                );
            }
        }
        Command::Stats(args) => {
            commands::stats::run(&args, &mut out)?;
        }
    }
    out.flush().map_err(Error::Output)
}

/// A bar of bytes read, on stderr, only when a person is watching.
fn progress_bar(wanted: bool) -> ProgressBar {
    if !wanted || !io::stderr().is_terminal() {
        return ProgressBar::hidden();
    }
    let bar = ProgressBar::with_draw_target(Some(0), ProgressDrawTarget::stderr());
    let style = ProgressStyle::with_template(
        "{spinner} [{elapsed_precise}] {wide_bar} {binary_bytes}/{binary_total_bytes} {binary_bytes_per_sec} ETA {eta}",
    )
    .unwrap_or_else(|_| ProgressStyle::default_bar());
    bar.set_style(style);
    bar
}

fn show(bar: &ProgressBar) -> impl Fn(Progress) + Sync + '_ {
    move |event| match event {
        Progress::Planned { bytes } => bar.set_length(bytes),
        Progress::Read { bytes } => bar.inc(bytes),
        Progress::Done => bar.finish_and_clear(),
    }
}

fn report_skips(skipped: &[gazette::walk::Skip]) -> io::Result<()> {
    let mut err = io::stderr().lock();
    for skip in skipped {
        writeln!(err, "gazette: {}", output::skip_line(skip))?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_purge_delay_option_is_the_one_named() {
        // Its default, 1000 ms, is unique among mimalloc's options; a vendored mimalloc that
        // renumbered its options would make this fail instead of silently setting another.
        // SAFETY: reads an integer option.
        assert_eq!(
            unsafe { libmimalloc_sys::mi_option_get(MI_OPTION_PURGE_DELAY) },
            1000
        );
    }
}
