//! Hostile input (issue 7): bad encodings, junk files, broken curated files, script
//! injection, path tricks, template errors and a preview server under rebuilds. Each module
//! builds small sites in temporary directories and checks what reaches `public/`.
//! The whole acceptance scenario is `tests/hostile_site.rs`; property tests with many
//! generated inputs are `tests/hostile_fuzz.rs`.

mod fixtures;
mod support;

mod curated;
mod encodings;
mod injection;
mod junk;
mod paths;
mod serve;
mod templates;
