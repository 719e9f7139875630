//! Which alias file a command goes by: `--aliases FILE`, or else `aliases.toml` in the working
//! folder when there is one (for `index`, `watch` and `extract`), or else the one the last
//! index run recorded in the index folder (for `search`, `stats` and `batch`).

use std::path::{Path, PathBuf};

use crate::error::Result;
use crate::index::GazetteIndex;
use crate::index::names::Aliases;
use crate::index::names::aliases::FILE_NAME;

/// The alias rules of a run that reads the corpus: the file given, or the working folder's.
pub(crate) fn for_corpus(given: Option<&Path>) -> Result<Aliases> {
    match given {
        Some(path) => Aliases::read(path),
        None => {
            let default = PathBuf::from(FILE_NAME);
            match default.is_file() {
                true => Aliases::read(&default),
                false => Ok(Aliases::default()),
            }
        }
    }
}

/// Makes a search go by the file given instead of the recorded one.
pub(crate) fn for_search(index: &mut GazetteIndex, given: Option<&Path>) -> Result<()> {
    if let Some(path) = given {
        index.use_aliases(Aliases::read(path)?);
    }
    Ok(())
}
