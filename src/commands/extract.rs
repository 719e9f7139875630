//! `gazette extract`: run the extractors over files or folders and print what they found,
//! one article at a time, without touching any index.

use std::io::Write;
use std::path::{Path, PathBuf};

use rayon::prelude::*;

use super::{bounds, threads};
use crate::article::Article;
use crate::error::{Error, Result};
use crate::extract;
use crate::index::names::Aliases;
use crate::output::{self, ExtractedArticle, Style};
use crate::walk::{self, FileEntry, Skip};

#[derive(Debug, clap::Args)]
pub struct ExtractArgs {
    /// Files or folders of articles.
    #[arg(required = true)]
    pub(crate) paths: Vec<PathBuf>,
    /// Print one JSON object per article per line.
    #[arg(long)]
    pub(crate) json: bool,
    /// Threads for extraction [default: all cores].
    #[arg(long)]
    pub(crate) threads: Option<usize>,
    /// The alias file (merge, rename, hide or move names) [default: aliases.toml in the
    /// working folder, when there is one].
    #[arg(long, value_name = "FILE")]
    pub(crate) aliases: Option<PathBuf>,
    /// Skip files larger than this many bytes.
    #[arg(long, default_value_t = bounds::DEFAULT_MAX_SIZE)]
    pub(crate) max_size: u64,
}

pub struct ExtractConfig {
    pub(crate) paths: Vec<PathBuf>,
    pub(crate) json: bool,
    pub(crate) threads: usize,
    pub(crate) max_size: u64,
    pub(crate) aliases: Aliases,
    pub(crate) style: Style,
    /// The working folder, which skipped paths are shown relative to.
    pub(crate) cwd: Option<PathBuf>,
}

impl ExtractArgs {
    pub fn config(self, color: bool) -> Result<ExtractConfig> {
        Ok(ExtractConfig {
            paths: self.paths,
            json: self.json,
            threads: threads::resolve(self.threads)?,
            max_size: bounds::at_most("max-size", self.max_size, bounds::MAX_SIZE)?,
            aliases: super::aliases::for_corpus(self.aliases.as_deref())?,
            style: Style::new(color && !self.json),
            cwd: std::env::current_dir().ok(),
        })
    }
}

/// Files handed to the threads at a time: big enough to keep them busy, small enough that
/// output starts at once and memory stays flat on any corpus size.
const CHUNK: usize = 256;

/// Prints each article's extraction in file order; returns the files it could not use.
pub fn run(config: &ExtractConfig, out: &mut dyn Write) -> Result<Vec<Skip>> {
    let mut files = Vec::new();
    let mut skipped = Vec::new();
    for path in &config.paths {
        let found = walk::walk(path, config.cwd.as_deref()).map_err(|e| match e {
            Error::CorpusMissing(path) => Error::PathMissing(path),
            other => other,
        })?;
        files.extend(
            found
                .files
                .into_iter()
                .map(|file| keyed_as_given(file, path)),
        );
        skipped.extend(found.skipped);
    }
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(config.threads)
        .build()?;
    for chunk in files.chunks(CHUNK) {
        let rendered: Vec<std::result::Result<Vec<u8>, Skip>> =
            pool.install(|| chunk.par_iter().map(|f| render(f, config)).collect());
        for item in rendered {
            match item {
                Ok(bytes) => out.write_all(&bytes).map_err(Error::Output)?,
                Err(skip) => skipped.push(skip),
            }
        }
    }
    Ok(skipped)
}

/// A file named on the command line is known by its path as given, so that a date in its
/// folders (`corpus/2022/11/05/x.txt`) dates it as it would in an index; a file found in a
/// named folder keeps its key relative to that folder, as in an index of the folder.
fn keyed_as_given(mut file: FileEntry, given: &Path) -> FileEntry {
    if file.path == given {
        file.key = walk::given_key(given);
    }
    file
}

fn render(file: &FileEntry, config: &ExtractConfig) -> std::result::Result<Vec<u8>, Skip> {
    let path = walk::path_text(&file.path);
    let skip = |reason: String| Skip::new(&file.path, reason, config.cwd.as_deref());
    let bytes = file
        .read_article(config.max_size)
        .map_err(|e| skip(e.to_string()))?;
    let article = Article::parse(&bytes);
    let mut found = extract::extract(&article, &file.key);
    config.aliases.apply_to(&mut found);
    let view = ExtractedArticle::new(&path, &article.title, &found);
    let mut buf = Vec::with_capacity(1024);
    let written = if config.json {
        output::json_line(&mut buf, &view)
    } else {
        output::extract_human(&mut buf, &view, config.style)
    };
    written.map_err(|e| skip(e.to_string()))?;
    Ok(buf)
}
