//! Names as a reader sees them across the archive: the user's alias file, the archive's vote on
//! each name's kind, short forms tied to the full names they stand for, and all of them applied
//! to an index's stored names when searching.

pub(crate) mod aliases;
pub(crate) mod book;
pub(crate) mod kind;
mod link;
pub(crate) mod terms;
mod vote;

pub(crate) use aliases::Aliases;
pub(crate) use book::NameBook;
pub(crate) use kind::Kind;
