//! Names as a reader sees them across the archive: the user's alias file, short forms tied to
//! the full names they stand for, and both applied to an index's stored names when searching.

pub(crate) mod aliases;
pub(crate) mod book;
pub(crate) mod kind;
mod link;

pub(crate) use aliases::Aliases;
pub(crate) use book::NameBook;
pub(crate) use kind::Kind;
