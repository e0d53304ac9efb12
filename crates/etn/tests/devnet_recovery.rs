//! Recovery: a node killed with SIGKILL mid-epoch is restarted on its datadir, resumes
//! from disk (no new genesis) and catches up over req/resp within 2 epochs; a node
//! started 3 epochs late syncs to the head.

mod common;

use common::devnet::{Devnet, all_ok, num};
use std::time::{Duration, Instant};

const CONFIG: &str = "
preset: minimal
chain:
  seconds_per_slot: 1
genesis:
  validators: 64
";
const EPOCH_SECS: u64 = 8;

fn head_slot(devnet: &Devnet, node: usize) -> Option<u64> {
    devnet.summary(node).ok().map(|s| num(&s, "head_slot"))
}

#[test]
fn killed_node_resumes_from_disk_and_late_node_syncs() {
    let devnet = Devnet::start(4, 8, CONFIG, &["--late-node", "3:3"]);

    // Mid-epoch 1 (slot 12), SIGKILL node 1; the devnet restarts it on its datadir.
    devnet.wait_for("slot 12", Duration::from_secs(30), |rows| {
        rows[0].as_ref().is_ok_and(|r| num(r, "head_slot") >= 12)
    });
    let before = devnet.node_pid(1);
    devnet.kill9(1);
    let killed_at = Instant::now();
    let deadline = killed_at + Duration::from_secs(2 * EPOCH_SECS + 4);
    loop {
        let leader = head_slot(&devnet, 0).unwrap_or(0);
        if let Some(slot) = head_slot(&devnet, 1)
            && devnet.node_pid(1) != before
            && slot + 1 >= leader
        {
            break;
        }
        assert!(
            Instant::now() < deadline,
            "restarted node 1 not at the head within 2 epochs: node0 {:?} node1 {:?}\n{}",
            head_slot(&devnet, 0),
            head_slot(&devnet, 1),
            devnet.node_log(1)
        );
        std::thread::sleep(Duration::from_millis(250));
    }
    let log = devnet.node_log(1);
    assert_eq!(log.matches("started from genesis").count(), 1, "{log}");
    assert!(log.contains("resumed from the store"), "{log}");

    // Node 3 starts at epoch 3 and must reach the head.
    let rows = devnet.wait_for(
        "the late node at the head",
        Duration::from_secs(5 * EPOCH_SECS),
        |rows| {
            all_ok(rows).is_some_and(|rows| {
                let heads: Vec<u64> = rows.iter().map(|r| num(r, "head_slot")).collect();
                heads[3] >= 3 * EPOCH_SECS && heads.iter().max().unwrap() - heads[3] <= 1
            })
        },
    );
    assert!(devnet.node_log(3).contains("started from genesis"));
    assert_eq!(rows[3]["head_root"], rows[0]["head_root"], "{rows:#?}");
}
