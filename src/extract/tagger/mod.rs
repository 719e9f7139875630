//! Tagger: finds people, places and organisations as BIO labels over tokens, with an
//! averaged perceptron over hashed features, decoded greedily in two passes.
//!
//! `labels` holds the label encoding and the BIO constraint, `shape` the word shapes, `doc`
//! the per-document inputs, `features` every feature template, `model` the stored weights
//! and the tables read from them, `decode` the passes, and `train` (tests and
//! `gazette-train` only) the learning.

mod decode;
mod doc;
mod features;
mod labels;
mod model;
mod shape;
#[cfg(any(test, feature = "train"))]
mod train;

pub(crate) use decode::tag;
pub(crate) use doc::{Buffers, Doc};
pub use labels::Class;
pub(crate) use labels::spans;
pub(crate) use model::embedded_tables;
#[cfg(any(test, feature = "train"))]
pub use train::{Example, train};
