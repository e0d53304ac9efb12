#!/usr/bin/env bash
# Measures block propagation on a local devnet: from the proposer publishing a block to
# each other node importing it (p50 / p99 over every block and node), and CPU and
# resident memory per node process, sampled every second.
#
#   scripts/propagation.sh [NODES] [EPOCHS] [SECONDS_PER_SLOT]     (defaults: 4 3 2)
#
# Builds etn in release mode, runs `etn devnet` in a temporary folder on ports 39000+ /
# 35000+, and prints one JSON object with the figures.
set -euo pipefail
cd "$(dirname "$0")/.."
NODES="${1:-4}"
EPOCHS="${2:-3}"
SLOT="${3:-2}"
cargo build --release --locked -p etn >&2
DIR="$(mktemp -d)"
trap 'rm -rf "$DIR"' EXIT
"${CARGO_TARGET_DIR:-target}/release/etn" devnet --datadir "$DIR/devnet" --nodes "$NODES" --epochs "$EPOCHS" \
  --seconds-per-slot "$SLOT" --display quiet --summary "$DIR/summary.json" \
  --base-p2p-port 39000 --base-api-port 35000 --start-delay 3 >"$DIR/devnet.out" 2>&1 &
DEVNET=$!
python3 - "$DIR" "$NODES" "$DEVNET" <<'PY'
import json, os, re, sys, time, datetime
root, nodes, devnet = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
ticks = os.sysconf("SC_CLK_TCK"); page = os.sysconf("SC_PAGE_SIZE")
samples = {i: [] for i in range(nodes)}   # (time, cpu ticks, rss bytes)
def alive(pid):
    try:
        os.kill(pid, 0); return True
    except OSError:
        return False
while alive(devnet):
    for i in range(nodes):
        try:
            pid = int(open(f"{root}/devnet/node{i}/pid").read())
            stat = open(f"/proc/{pid}/stat").read().rsplit(")", 1)[1].split()
            samples[i].append((time.time(), int(stat[11]) + int(stat[12]), int(stat[21]) * page))
        except (OSError, ValueError, IndexError):
            pass
    try:
        os.waitpid(devnet, os.WNOHANG)
    except ChildProcessError:
        pass
    time.sleep(1)
stamp = re.compile(r"^(\S+Z)\s.*?(proposed block|imported gossip block).*?slot=(\d+)")
def t(s):
    return datetime.datetime.fromisoformat(s.replace("Z", "+00:00")).timestamp()
published, imported = {}, []
for i in range(nodes):
    for line in open(f"{root}/devnet/node{i}/node.log", errors="replace"):
        m = stamp.search(line)
        if not m:
            continue
        when, what, slot = t(m.group(1)), m.group(2), int(m.group(3))
        if what == "proposed block":
            published[slot] = when
        else:
            imported.append((slot, when))
delays = sorted((w - published[s]) * 1000 for s, w in imported if s in published)
def pct(p):
    return round(delays[min(len(delays) - 1, int(p * len(delays)))], 2) if delays else None
cpu, rss = [], []
for i, xs in samples.items():
    if len(xs) >= 2:
        (t0, c0, _), (t1, c1, _) = xs[0], xs[-1]
        cpu.append(100.0 * (c1 - c0) / ticks / max(t1 - t0, 1e-9))
        rss.append(max(r for _, _, r in xs) / 2**20)
summary = json.load(open(f"{root}/summary.json"))
print(json.dumps({
    "nodes": nodes,
    "blocks_published": len(published),
    "imports_measured": len(delays),
    "propagation_ms": {"p50": pct(0.50), "p99": pct(0.99), "max": round(delays[-1], 2) if delays else None},
    "cpu_percent_per_node": {"median": round(sorted(cpu)[len(cpu) // 2], 1) if cpu else None, "max": round(max(cpu), 1) if cpu else None},
    "rss_mib_per_node": {"median": round(sorted(rss)[len(rss) // 2], 1) if rss else None, "max": round(max(rss), 1) if rss else None},
    "finalized_epochs": [n.get("finalized_epoch") for n in summary["nodes"]],
    "head_slots": [n.get("head_slot") for n in summary["nodes"]],
}, indent=2))
PY
