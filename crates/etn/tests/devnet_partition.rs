//! Partition control: a 4-node devnet split 2|2 through the admin endpoint stops
//! finalizing (neither half has 2/3 of the stake); healed, the nodes converge on one head
//! within one epoch and finality resumes.

mod common;

use common::devnet::{Devnet, all_ok, num, text};
use serde_json::json;
use std::time::Duration;

const CONFIG: &str = "
preset: minimal
chain:
  seconds_per_slot: 1
  slots_per_epoch: 4
genesis:
  validators: 64
";
const EPOCH_SECS: u64 = 4;

fn finalized(rows: &[serde_json::Value]) -> Vec<u64> {
    rows.iter().map(|r| num(r, "finalized_epoch")).collect()
}

#[test]
fn split_stalls_finality_and_healing_restores_it() {
    let devnet = Devnet::start(4, 16, CONFIG, &[]);
    let rows = devnet.wait_for(
        "finality before the split",
        Duration::from_secs(60),
        |rows| all_ok(rows).is_some_and(|rows| rows.iter().all(|r| num(r, "finalized_epoch") >= 1)),
    );
    let peer_ids: Vec<String> = rows
        .iter()
        .map(|r| text(r, "peer_id").to_string())
        .collect();

    // Split {0,1} | {2,3}: each side blocks the other side's peers.
    let halves = [[0usize, 1], [2, 3]];
    for (side, other) in [(0, 1), (1, 0)] {
        for &node in &halves[side] {
            let block: Vec<&str> = halves[other]
                .iter()
                .map(|&o| peer_ids[o].as_str())
                .collect();
            devnet
                .post(node, "/etn/v1/admin/partition", &json!({ "block": block }))
                .expect("partition request");
        }
    }
    let split_at = finalized(&devnet.wait_for("split", Duration::from_secs(10), |rows| {
        all_ok(rows).is_some_and(|rows| rows.iter().all(|r| num(r, "peers") == 1))
    }));
    // Two epochs split: finality must not move (allow the one epoch in flight).
    std::thread::sleep(Duration::from_secs(2 * EPOCH_SECS));
    let during = finalized(
        &devnet.wait_for("summaries", Duration::from_secs(10), |rows| {
            all_ok(rows).is_some()
        }),
    );
    for (a, b) in split_at.iter().zip(&during) {
        assert!(
            b <= &(a + 1),
            "finality advanced while split: {split_at:?} -> {during:?}"
        );
    }
    let stalled = during.iter().copied().max().unwrap();

    // Heal: unblock everyone; one head within an epoch, then finality resumes.
    for (side, other) in [(0, 1), (1, 0)] {
        for &node in &halves[side] {
            let unblock: Vec<&str> = halves[other]
                .iter()
                .map(|&o| peer_ids[o].as_str())
                .collect();
            devnet
                .post(
                    node,
                    "/etn/v1/admin/partition",
                    &json!({ "unblock": unblock }),
                )
                .expect("heal request");
        }
    }
    devnet.wait_for(
        "one head after healing",
        Duration::from_secs(EPOCH_SECS + 6),
        |rows| {
            all_ok(rows).is_some_and(|rows| {
                rows.windows(2)
                    .all(|w| w[0]["head_root"] == w[1]["head_root"])
            })
        },
    );
    devnet.wait_for(
        "finality resumed",
        Duration::from_secs(6 * EPOCH_SECS),
        |rows| {
            all_ok(rows)
                .is_some_and(|rows| rows.iter().all(|r| num(r, "finalized_epoch") > stalled))
        },
    );
}
