//! The configuration every property test shares.
//!
//! Cases per property: `PROPTEST_CASES` if set (`scripts/fuzz.sh` sets it for long runs),
//! else the test's own default. A failing case is shrunk and its seed saved in
//! `tests/<test file>.proptest-regressions`; commit that file with the fix so every later run
//! replays the case first. `PROPTEST_RNG_SEED` fixes the seed of the new cases (`.ci/run`
//! sets it, so CI replays one known set of cases instead of new random ones on every run).

use proptest::test_runner::{Config, FileFailurePersistence};

pub fn config(default_cases: u32) -> Config {
    let cases = std::env::var("PROPTEST_CASES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default_cases);
    Config {
        failure_persistence: Some(Box::new(FileFailurePersistence::WithSource("proptest-regressions"))),
        ..Config::with_cases(cases)
    }
}
