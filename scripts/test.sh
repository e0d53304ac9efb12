#!/usr/bin/env bash
# The whole test run, exactly as CI runs it: formatting, lints, then every test of the
# workspace (unit, property, CLI and integration tests). Builds everything it needs.
set -euo pipefail
cd "$(dirname "$0")/.."

echo "==> cargo fmt --check"
cargo fmt --all -- --check
echo "==> cargo clippy"
cargo clippy --workspace --all-targets --locked -- -D warnings
echo "==> cargo test"
cargo test --workspace --locked
