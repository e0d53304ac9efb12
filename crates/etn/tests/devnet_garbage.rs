//! A hostile peer joins a 4-node devnet and publishes garbage: bytes that are not SSZ,
//! truncated SSZ, blocks with bad signatures, blocks for future slots, attestations that
//! match no committee, and the same message again. Everything is rejected or ignored (as
//! the node's gossip metrics show), the sender's score falls (or it is banned), and the
//! honest nodes keep finalizing.

mod common;

use common::devnet::{Devnet, all_ok, num, text};
use etn_network::{GossipKind, GossipMessage, NetworkConfig, PeerId};
use etn_types::ssz::{decode, encode};
use etn_types::*;
use std::time::{Duration, Instant};

const CONFIG: &str = "
preset: minimal
chain:
  seconds_per_slot: 1
genesis:
  validators: 64
";

/// Sum of the samples of metric `name` whose line contains `filter`.
fn metric_sum(metrics: &str, name: &str, filter: &str) -> f64 {
    metrics
        .lines()
        .filter(|l| l.starts_with(name) && l.contains(filter))
        .filter_map(|l| l.split_whitespace().last()?.parse::<f64>().ok())
        .sum()
}

/// Messages refused so far: undecodable ones (by the network) plus the chain's rejects.
fn refused(metrics: &str) -> f64 {
    metric_sum(metrics, "etn_gossip_undecodable", "")
        + metric_sum(metrics, "etn_gossip_messages", "verdict=\"reject\"")
}

#[test]
fn garbage_is_rejected_the_sender_scored_down_and_finality_goes_on() {
    let devnet = Devnet::start(4, 24, CONFIG, &[]);
    let rows = devnet.wait_for("slot 4", Duration::from_secs(30), |rows| {
        all_ok(rows).is_some_and(|rows| rows.iter().all(|r| num(r, "head_slot") >= 4))
    });
    let genesis: BeaconState =
        decode(&std::fs::read(devnet.datadir().join("genesis.ssz")).expect("genesis"))
            .expect("ssz");
    let fork_digest = etn_crypto::compute_fork_digest(
        genesis.fork.current_version.0,
        genesis.genesis_validators_root.0,
    );
    let node0: PeerId = text(&rows[0], "peer_id").parse().expect("peer id");
    let bootnode = format!("/ip4/127.0.0.1/tcp/{}/p2p/{node0}", devnet.p2p_base);

    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(1)
        .enable_all()
        .build()
        .unwrap();
    let before = refused(&devnet.text(0, "/metrics").unwrap());
    let attacker = runtime.block_on(async {
        let (net, mut events) = etn_network::start(NetworkConfig {
            bootnodes: vec![bootnode.parse().unwrap()],
            fork_digest,
            ..NetworkConfig::default()
        })
        .await
        .expect("attacker network");
        // Drain our own events (we validate nothing) so the swarm never stalls.
        tokio::spawn(async move { while events.recv().await.is_some() {} });
        let deadline = Instant::now() + Duration::from_secs(20);
        while net.topic_peers(GossipKind::BeaconBlock).await.is_empty() {
            assert!(
                Instant::now() < deadline,
                "the attacker never joined the block mesh"
            );
            tokio::time::sleep(Duration::from_millis(200)).await;
        }
        net
    });
    let attacker_id = attacker.local_peer_id().to_string();
    let head = num(&devnet.summary(0).unwrap(), "head_slot");
    let head_root: Root = text(&devnet.summary(0).unwrap(), "head_root")
        .parse()
        .expect("root");

    let mut future = SignedBeaconBlock::default();
    future.message.slot = head + 1000;
    future.message.parent_root = head_root;
    let mut forged = SignedBeaconBlock::default();
    forged.message.slot = head + 1;
    forged.message.parent_root = head_root;
    forged.signature = Bytes96([0xaa; 96]);
    let mut vote = Attestation::default();
    vote.data.slot = head;
    vote.data.target.epoch = head / 8;
    vote.data.beacon_block_root = head_root;
    let block_ssz = encode(&forged).unwrap();

    // First messages that decode but are wrong: the chain judges each one.
    let judged = |m: &str| {
        metric_sum(m, "etn_gossip_messages", "verdict=\"reject\"")
            + metric_sum(m, "etn_gossip_messages", "verdict=\"ignore\"")
    };
    let judged_before = judged(&devnet.text(0, "/metrics").unwrap());
    runtime.block_on(async {
        for message in [
            GossipMessage::Block(Box::new(future.clone())),
            GossipMessage::Block(Box::new(forged.clone())),
            GossipMessage::Attestation(Box::new(vote.clone())),
        ] {
            let _ = attacker.publish(&message);
            // The same message again: dropped as a duplicate.
            let _ = attacker.publish(&message);
        }
        tokio::time::sleep(Duration::from_secs(2)).await;
    });
    let metrics = devnet.text(0, "/metrics").unwrap();
    let judged_now = judged(&metrics) - judged_before;
    assert!(
        judged_now >= 3.0,
        "the future block, the forged block and the vote were not all refused ({judged_now}):\n{metrics}"
    );

    // Then bytes that are not SSZ, and SSZ cut short: refused by the network layer, and
    // the sender is banned once its score falls below the graylist threshold.
    runtime.block_on(async {
        for i in 0..20u8 {
            for kind in [
                GossipKind::BeaconBlock,
                GossipKind::BeaconAttestation,
                GossipKind::TicketPurchase,
                GossipKind::ExecutionPayload,
            ] {
                let _ = attacker.publish_unchecked(kind, vec![0xde, 0xad, i, 0xbe, 0xef]);
            }
            let cut = block_ssz.len() - 1 - i as usize;
            let _ = attacker.publish_unchecked(GossipKind::BeaconBlock, block_ssz[..cut].to_vec());
        }
        tokio::time::sleep(Duration::from_secs(2)).await;
    });
    let metrics = devnet.text(0, "/metrics").unwrap();
    let rejected = refused(&metrics) - before;
    assert!(rejected >= 5.0, "only {rejected} refusals:\n{metrics}");
    let banned = metric_sum(&metrics, "etn_peers_banned", "");
    // The attacker is scored below zero, or already banned and gone.
    let peers = devnet.get(0, "/eth/v1/node/peers").unwrap();
    let entry = peers["data"]
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["peer_id"] == attacker_id.as_str())
        .cloned();
    if let Some(entry) = entry {
        let score = entry["score"].as_f64().unwrap_or(0.0);
        assert!(score < 0.0, "attacker still in good standing: {entry}");
    } else {
        assert!(
            banned >= 1.0,
            "the attacker left without being banned:\n{metrics}"
        );
    }
    for node in 0..4 {
        let s = devnet.summary(node).unwrap();
        assert!(
            num(&s, "head_slot") < head + 100,
            "a future block became the head: {s}"
        );
    }

    // The honest nodes keep finalizing.
    devnet.wait_for(
        "finality despite the attacker",
        Duration::from_secs(60),
        |rows| all_ok(rows).is_some_and(|rows| rows.iter().all(|r| num(r, "finalized_epoch") >= 2)),
    );
    runtime.block_on(attacker.shutdown());
}
