#!/usr/bin/env bash
# Long property-test run: every property of tests/hostile_fuzz.rs (hostile input, issue 7),
# tests/clean_structure.rs and tests/clean_lexical_props.rs (cleaning never panics and is
# idempotent) with PROPTEST_CASES generated inputs each (default 100 000), instead of the
# 200 to 256 of an ordinary `cargo test`. Not part of .ci/run: on 2 cores it takes well over
# a quarter of an hour. New random cases on every run unless PROPTEST_RNG_SEED is set. Runs the debug profile on purpose: overflow checks stay on, so
# an arithmetic overflow on hostile input is caught as a panic.
#
#   scripts/fuzz.sh                    # 100 000 cases per property
#   PROPTEST_CASES=1000000 scripts/fuzz.sh ingest   # more cases, one property (name filter)
#
# A failure prints the minimal failing input and saves its seed in
# tests/<test file>.proptest-regressions; commit that file with the fix.
set -euo pipefail
cd "$(dirname "$0")/.."
export PROPTEST_CASES="${PROPTEST_CASES:-100000}"
export CARGO_BUILD_JOBS="${CARGO_BUILD_JOBS:-1}"
echo "== hostile_fuzz, clean_structure, clean_lexical_props: ${PROPTEST_CASES} cases per property"
start=$(date +%s)
cargo test --test hostile_fuzz --test clean_structure --test clean_lexical_props \
    -- --test-threads="${FUZZ_THREADS:-2}" "$@"
echo "== done in $(( $(date +%s) - start )) s: ${PROPTEST_CASES} cases per property, no failure"
