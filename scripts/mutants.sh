#!/usr/bin/env bash
# Mutation check of the allocation and ticket code against the conformance vectors
# alone: how many mutants of the mechanism's consensus half (crates/mechanism/src/
# consensus) and of the state transition's ticket market (purchase and sell-back,
# round close and builder assignment, payload settlement, payment collection and
# smoothing) the vectors of specs/tests kill. Survivors are explained in
# specs/tests/MUTANTS.md.
#
# The test suite is `cargo test -p etn-spec-tests --test vectors` without
# `regeneration_is_byte_identical`: that test regenerates the tree from the mutated
# code, so it would catch every behaviour change without reading a single vector.
#
# Not part of scripts/test.sh: every mutant rebuilds the state crate and the runner
# (about 390 mutants, see specs/tests/MUTANTS.md for the measured time). Needs
# cargo-mutants:
#     cargo install cargo-mutants --locked
# Extra arguments go to cargo-mutants, e.g.
#     scripts/mutants.sh --shard 1/4
#     scripts/mutants.sh --file crates/state/src/block/tickets.rs   (replaces the file set)
#     scripts/mutants.sh --iterate       (re-test only what the previous run missed)
#     scripts/mutants.sh --list          (count the mutants without building)
# The report lands in $MUTANTS_OUT/mutants.out (default target/mutants); parallel
# jobs with $MUTANTS_JOBS (default 1: the machine is shared); the per-mutant test timeout
# with $MUTANTS_TIMEOUT (default 30 s; the unmutated vectors run in half a second, so a
# mutant that reaches it loops forever).
set -euo pipefail
cd "$(dirname "$0")/.."

# The baseline: the vectors must pass on the unmutated tree. cargo-mutants' own
# baseline would test the *mutated* packages (etn-state, etn-mechanism) with the
# arguments meant for etn-spec-tests, where `--test vectors` does not exist, so it is
# skipped below and run here instead (with the caller's CARGO_TARGET_DIR, if any).
case " $* " in
*" --list "* | *" --list-files "*) ;;
*) cargo test -p etn-spec-tests --test vectors -- --skip regeneration_is_byte_identical ;;
esac

# Each mutant builds in cargo-mutants' copy of the tree, with the copy's own target
# directory: a shared CARGO_TARGET_DIR would serialise every build behind one lock.
unset CARGO_TARGET_DIR

files=(
    --file 'crates/mechanism/src/consensus/**'
    --file crates/state/src/block/tickets.rs
    --file crates/state/src/block/payload.rs
    --file crates/state/src/slot.rs
    --file crates/state/src/accounting.rs
    --file crates/state/src/epoch.rs
)
for arg in "$@"; do
    # A --file given on the command line replaces the default set.
    if [[ "$arg" == --file || "$arg" == -f || "$arg" == --file=* ]]; then
        files=()
    fi
done

exec cargo mutants \
    --package etn-state --package etn-mechanism \
    --test-package etn-spec-tests \
    "${files[@]}" \
    --baseline skip \
    --timeout "${MUTANTS_TIMEOUT:-30}" \
    --build-timeout 900 \
    --jobs "${MUTANTS_JOBS:-1}" \
    --output "${MUTANTS_OUT:-target/mutants}" \
    "$@" \
    -- --test vectors -- --skip regeneration_is_byte_identical
