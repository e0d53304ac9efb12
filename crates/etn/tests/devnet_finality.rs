//! A 4-node devnet with 1-second slots: it finalizes, every node agrees, every slot has a
//! block, the accounting identity holds everywhere, a silent builder's slots are recorded
//! as missed payloads (in state and in metrics) while the chain goes on, and Ctrl-C
//! (SIGTERM) writes the summary and stops every node.

mod common;

use common::devnet::{Devnet, all_ok, num, text};
use serde_json::Value;
use std::time::Duration;

const CONFIG: &str = "
preset: minimal
chain:
  seconds_per_slot: 1
genesis:
  validators: 64
  builders:
    - {value: 4}
    - {value: 2}
    - {value: 2}
    - {value: 3, absent: true}
";

#[test]
fn four_nodes_finalize_agree_and_survive_a_silent_builder() {
    let mut devnet = Devnet::start(4, 0, CONFIG, &["--summary", "SUMMARY"]);
    // Genesis is 2 s after start; 5 epochs of 8 one-second slots, plus slack for a loaded
    // machine.
    let rows = devnet.wait_for(
        "finalized epoch >= 2 on every node",
        Duration::from_secs(75),
        |rows| all_ok(rows).is_some_and(|rows| rows.iter().all(|r| num(r, "finalized_epoch") >= 2)),
    );
    let head_slot = rows.iter().map(|r| num(r, "head_slot")).max().unwrap();
    assert!(
        head_slot <= 5 * 8,
        "finality took more than 5 epochs (head at {head_slot})"
    );

    // Same finalized checkpoint everywhere; heads within one slot.
    let rows = devnet.wait_for("agreement", Duration::from_secs(10), |rows| {
        all_ok(rows).is_some_and(|rows| {
            let fin: Vec<_> = rows
                .iter()
                .map(|r| {
                    (
                        num(r, "finalized_epoch"),
                        text(r, "finalized_root").to_string(),
                    )
                })
                .collect();
            let heads: Vec<u64> = rows.iter().map(|r| num(r, "head_slot")).collect();
            fin.windows(2).all(|w| w[0] == w[1])
                && heads.iter().max().unwrap() - heads.iter().min().unwrap() <= 1
        })
    });

    // Every slot up to the head has a block (the header's slot is the slot asked for).
    let head = num(&rows[0], "head_slot");
    for slot in 1..=head {
        let header = devnet
            .get(0, &format!("/eth/v1/beacon/headers/{slot}"))
            .unwrap_or_else(|e| panic!("no block at slot {slot}: {e}"));
        let got = header["data"]["header"]["message"]["slot"]
            .as_str()
            .and_then(|s| s.parse::<u64>().ok());
        assert_eq!(
            got,
            Some(slot),
            "slot {slot} has no block of its own: {header}"
        );
    }

    // The identity holds on every node; nodes at the same head burned the same amount.
    for r in &rows {
        assert_eq!(r["accounting_identity_holds"], Value::Bool(true), "{r}");
    }
    for a in &rows {
        for b in &rows {
            if a["head_root"] == b["head_root"] {
                assert_eq!(a["burned_gwei"], b["burned_gwei"]);
            }
        }
    }

    // The absent builder (player 3 = builder 3) won some slots and never delivered.
    let wins = num(&rows[0]["builder_wins"], "3");
    let missed = num(&rows[0], "missed_payloads");
    assert!(wins > 0, "the silent builder never won a slot: {}", rows[0]);
    assert!(missed > 0, "no missed payload recorded: {}", rows[0]);
    assert!(num(&rows[0], "delivered_payloads") > 0);
    let metrics = devnet.text(0, "/metrics").expect("metrics");
    let line = metrics
        .lines()
        .find(|l| l.starts_with("etn_missed_payloads"))
        .unwrap_or_else(|| panic!("no etn_missed_payloads in\n{metrics}"));
    let value: f64 = line.split_whitespace().last().unwrap().parse().unwrap();
    assert!(value >= 1.0, "{line}");
    for name in ["beacon_head_slot", "beacon_finalized_epoch", "libp2p_peers"] {
        assert!(metrics.contains(name), "no {name} in metrics");
    }

    // SIGTERM: the summary is written with the binding fields, and every node stops.
    let status = devnet.stop();
    assert!(status.success(), "etn devnet exited with {status}");
    let summary: Value = serde_json::from_str(
        &std::fs::read_to_string(devnet.file("SUMMARY")).expect("summary written"),
    )
    .expect("summary is JSON");
    assert!(summary["genesis_time"].as_u64().is_some());
    let nodes = summary["nodes"].as_array().expect("nodes");
    assert_eq!(nodes.len(), 4);
    for node in nodes {
        for key in ["head_slot", "finalized_epoch", "peers", "burned_gwei"] {
            assert!(node[key].as_u64().is_some(), "{key} missing in {node}");
        }
        for key in ["head_root", "finalized_root"] {
            assert!(node[key].as_str().is_some(), "{key} missing in {node}");
        }
        assert!(node["builder_wins"].is_object());
    }
    for node in 0..4 {
        let pid = devnet.node_pid(node);
        assert!(
            !std::path::Path::new(&format!("/proc/{pid}")).exists()
                || std::fs::read_to_string(format!("/proc/{pid}/stat"))
                    .is_ok_and(|s| s.contains(") Z ")),
            "node {node} (pid {pid}) still running after the devnet stopped"
        );
    }
}
