#!/usr/bin/env bash
# Regenerates the conformance vectors (specs/tests/minimal) from the spec implementation,
# then replays them. On a clean checkout the regeneration changes no byte; after a change
# to the consensus code, `git status specs/tests` shows exactly which cases moved.
# Uses the generator example rather than the `etn` binary, which builds much more.
set -euo pipefail
cd "$(dirname "$0")/.."

cargo run --quiet -p etn-spec-tests --example generate -- specs/tests
cargo test -p etn-spec-tests --test vectors
