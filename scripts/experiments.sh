#!/usr/bin/env bash
# Regenerates every shipped experiment report: each testnet/experiments/*.yaml runs in
# fast mode (the real state transition in process) into
# testnet/experiments/reports/<name>/ (report.md, results.json, PNG and SVG plots), the
# throughput workload runs once more with BLS, and reports/README.md indexes them all.
#
#   scripts/experiments.sh            # every shipped experiment (a few minutes)
#   scripts/experiments.sh wta-4-2    # only the named ones
#   DEVNET=1 scripts/experiments.sh   # also the article's case on a real 4-node devnet
#                                     # (200 rounds of 2-second slots, about 8 minutes)
set -euo pipefail
cd "$(dirname "$0")/.."

OUT=testnet/experiments/reports
TARGET=${CARGO_TARGET_DIR:-target}
echo "==> cargo build --release -p etn"
cargo build --release --locked -p etn
ETN="$TARGET/release/etn"

names=("$@")
if [ ${#names[@]} -eq 0 ]; then
  for f in testnet/experiments/*.yaml; do names+=("$(basename "$f" .yaml)"); done
fi

mkdir -p "$OUT"
for name in "${names[@]}"; do
  echo "==> $name"
  "$ETN" experiment "testnet/experiments/$name.yaml" --out "$OUT/$name" --quiet
done

if [ $# -eq 0 ]; then
  # The throughput workload signed and verified end to end (16 builders, 64 validators).
  echo "==> throughput-16 with BLS"
  "$ETN" experiment testnet/experiments/throughput-16.yaml --bls --slots 500 \
    --out "$OUT/throughput-16-bls" --quiet
fi

if [ "${DEVNET:-0}" = 1 ]; then
  # The article's two-player case on a devnet: 4 nodes, libp2p gossip, real clock.
  echo "==> proportional-4-2 on a devnet"
  "$ETN" experiment testnet/experiments/proportional-4-2.yaml --mode devnet --slots 200 \
    --out "$OUT/proportional-4-2-devnet" --quiet
fi

"$ETN" experiment --index "$OUT"
