//! union-digest: a static site generator for a digest of Chinese trade-union (工会) news.
//!
//! The pipeline, one module per stage:
//! [`content`] (walk) → [`ingest`] → [`clean`] → [`analyze`] → [`site`] → [`render`].
//! [`build`] wires them together; [`config`], [`record`] and [`error`] are shared.

pub mod analyze;
pub mod build;
pub mod cache;
pub mod clean;
pub mod cli;
pub mod config;
pub mod content;
pub mod error;
pub mod ingest;
pub mod init;
pub mod model;
pub mod persist;
pub mod phrases;
pub mod record;
pub mod render;
pub mod serve;
pub mod site;
