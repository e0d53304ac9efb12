//! Gossip between real nodes on loopback: delivery of every topic, validation gating
//! forwarding, message ids, and the network's own rejection of bad payloads.

mod common;

use common::raw::RawPeer;
use common::*;
use etn_network::{GossipKind, GossipMessage, NetworkEvent, Validation, message_id, scoring};
use std::collections::HashMap;
use std::time::Duration;
use tokio::sync::mpsc;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_nodes_deliver_every_topic_with_matching_ids() {
    bounded(60, async {
        let mut a = node(vec![]).await;
        let mut b = node(vec![a.addr()]).await;
        wait_subscribed(&a.net, &[b.id()]).await;
        wait_subscribed(&b.net, &[a.id()]).await;

        for message in one_of_each(7) {
            let kind = message.kind();
            let id = a.net.publish(&message).unwrap();
            let ssz = message.encode().unwrap();
            assert_eq!(id, message_id(&kind.topic(FORK), &ssz), "{kind}");
            let (got_id, source, got) = b.next_gossip(WAIT).await.expect("delivered");
            assert_eq!(
                (got_id.clone(), source, &got),
                (id.clone(), a.id(), &message)
            );
            b.net.report(got_id, source, Validation::Accept);
            // Publishing it again, from either side, is quietly dropped as a duplicate.
            assert_eq!(a.net.publish(&message).unwrap(), id);
            assert_eq!(b.net.publish(&message).unwrap(), id);
        }
        assert!(a.next_gossip(Duration::from_millis(500)).await.is_none());
        assert!(
            b.next_gossip(Duration::from_millis(500)).await.is_none(),
            "no duplicates"
        );

        let stats = b.net.stats();
        for t in &stats.topics {
            assert_eq!(
                (t.received, t.accepted, t.invalid),
                (1, 1, 0),
                "{}",
                t.topic
            );
        }
        assert_eq!(a.net.stats().topics[0].published, 1);
        a.net.shutdown().await;
        b.net.shutdown().await;
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn four_nodes_deliver_every_topic_through_a_hub() {
    bounded(60, async {
        // 1, 2, 3 know only 0: whatever 1 publishes reaches 2 and 3 through 0.
        let hub = node(vec![]).await;
        let publisher = node(vec![hub.addr()]).await;
        let others = [node(vec![hub.addr()]).await, node(vec![hub.addr()]).await];
        let ids: Vec<_> = [&publisher, &others[0], &others[1]]
            .iter()
            .map(|n| n.id())
            .collect();
        wait_subscribed(&hub.net, &ids).await;
        wait_subscribed(&publisher.net, &[hub.id()]).await;
        for o in &others {
            wait_subscribed(&o.net, &[hub.id()]).await;
        }

        let (tx, mut rx) = mpsc::unbounded_channel();
        let hub_id = hub.id();
        let mut handles = vec![hub.auto_accept(tx.clone())];
        for o in others {
            handles.push(o.auto_accept(tx.clone()));
        }
        let messages = one_of_each(11);
        for m in &messages {
            publisher.net.publish(m).unwrap();
        }
        let mut seen: HashMap<_, Vec<GossipMessage>> = HashMap::new();
        for _ in 0..3 * messages.len() {
            let (who, m) = tokio::time::timeout(WAIT, rx.recv())
                .await
                .unwrap()
                .unwrap();
            seen.entry(who).or_default().push(m);
        }
        assert_eq!(seen.len(), 3);
        assert!(seen.contains_key(&hub_id));
        for (_, mut got) in seen {
            got.sort_by_key(|m| m.kind());
            assert_eq!(got, messages);
        }
        assert!(
            tokio::time::timeout(Duration::from_millis(500), rx.recv())
                .await
                .is_err()
        );
        for h in handles.iter().chain([&publisher.net]) {
            h.shutdown().await;
        }
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn messages_are_forwarded_only_after_accept() {
    bounded(60, async {
        // A line a - b - c: c hears a's messages only through b.
        let mut b = node(vec![]).await;
        let a = node(vec![b.addr()]).await;
        let mut c = node(vec![b.addr()]).await;
        wait_subscribed(&b.net, &[a.id(), c.id()]).await;
        wait_subscribed(&a.net, &[b.id()]).await;
        wait_subscribed(&c.net, &[b.id()]).await;
        let direct = |peers: Vec<etn_network::PeerInfo>| peers.iter().any(|p| p.peer_id == c.id());
        assert!(
            !direct(a.net.peers().await),
            "a and c must not be neighbours"
        );

        // Held by b: not forwarded while b has not judged it.
        let first = GossipMessage::Block(Box::new(block(1, 1000)));
        a.net.publish(&first).unwrap();
        let (id, source, got) = b.next_gossip(WAIT).await.expect("b receives");
        assert_eq!(got, first);
        let id_at_b = id.clone();
        assert!(
            c.next_gossip(Duration::from_millis(1500)).await.is_none(),
            "forwarded early"
        );
        b.net.report(id, source, Validation::Accept);
        let (forwarded_id, via, got) = c.next_gossip(WAIT).await.expect("forwarded after accept");
        // Same id two hops away: it depends on topic and payload only.
        assert_eq!((forwarded_id, via, got), (id_at_b, b.id(), first));

        // Ignored: never forwarded, no penalty.
        let second = GossipMessage::Block(Box::new(block(2, 1000)));
        a.net.publish(&second).unwrap();
        let (id, source, _) = b.next_gossip(WAIT).await.expect("b receives");
        b.net.report(id, source, Validation::Ignore);
        assert!(
            c.next_gossip(Duration::from_millis(1500)).await.is_none(),
            "forwarded after ignore"
        );
        let score = |peers: Vec<etn_network::PeerInfo>| {
            peers
                .iter()
                .find(|p| p.peer_id == a.id())
                .map(|p| p.gossip_score)
        };
        assert!(score(b.net.peers().await).unwrap() >= 0.0);

        // Rejected: never forwarded, and the sender's score drops.
        let third = GossipMessage::Block(Box::new(block(3, 1000)));
        a.net.publish(&third).unwrap();
        let (id, source, _) = b.next_gossip(WAIT).await.expect("b receives");
        b.net.report(id, source, Validation::Reject);
        assert!(
            c.next_gossip(Duration::from_millis(1500)).await.is_none(),
            "forwarded after reject"
        );
        let s = score(b.net.peers().await).unwrap();
        assert!(s < 0.0, "score after a reject: {s}");
        let t = &b.net.stats().topics[GossipKind::BeaconBlock as usize];
        assert_eq!(
            (t.received, t.accepted, t.ignored, t.rejected),
            (3, 1, 1, 1)
        );
        for n in [&a.net, &b.net, &c.net] {
            n.shutdown().await;
        }
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn bad_payloads_never_reach_the_node_and_get_the_sender_banned() {
    bounded(60, async {
        let mut n = node(vec![]).await;
        let raw = RawPeer::start(&[], vec![]);
        raw.dial(n.addr()).await;
        let block_topic = GossipKind::BeaconBlock.topic(FORK);
        let att_topic = GossipKind::BeaconAttestation.topic(FORK);
        raw.subscribe(block_topic.clone()).await;
        raw.subscribe(att_topic.clone()).await;
        eventually("raw peer sees the node's subscriptions", || async {
            raw.sees_subscribed(n.id(), block_topic.clone()).await
                && raw.sees_subscribed(n.id(), att_topic.clone()).await
        })
        .await;
        let raw_score = || async {
            n.net
                .peers()
                .await
                .iter()
                .find(|p| p.peer_id == raw.peer_id)
                .map(|p| p.gossip_score)
        };

        // Not snappy; snappy around undecodable SSZ; a snappy bomb: small on the wire,
        // over the attestation limit once decompressed.
        let snappy = |d: &[u8]| snap::raw::Encoder::new().compress_vec(d).unwrap();
        let bomb = snappy(&[0u8; 20_000]);
        assert!(bomb.len() < 1_500);
        let bad = [
            (block_topic.clone(), b"definitely not snappy".to_vec()),
            (block_topic.clone(), snappy(&[0xab; 300])),
            (att_topic.clone(), bomb),
        ];
        for (topic, data) in bad {
            assert!(raw.publish(topic, data).await);
        }
        eventually("three invalid messages counted", || async {
            n.net.stats().topics.iter().map(|t| t.invalid).sum::<u64>() == 3
        })
        .await;
        let s = raw_score().await.expect("still connected");
        assert!(s < 0.0 && s > scoring::GRAYLIST_THRESHOLD, "score {s}");
        assert!(n.next_gossip(Duration::from_millis(300)).await.is_none());

        // More push it past the graylist (P4 is squared per topic: 3 invalid block
        // messages and 2 attestations cost 900 + 400): the right bytes on the wrong
        // topic, a payload too large for the attestation topic even compressed (dropped
        // by the router's framing, penalised all the same), more garbage. It is
        // disconnected and refused.
        let attestation = one_of_each(1)[1].encode().unwrap();
        assert!(raw.publish(block_topic.clone(), snappy(&attestation)).await);
        assert!(raw.publish(att_topic.clone(), vec![0u8; 5_000]).await);
        for i in 0..2u8 {
            assert!(raw.publish(block_topic.clone(), vec![i; 10]).await);
        }
        eventually("sender banned", || async {
            n.net.stats().peers_banned == 1
        })
        .await;
        eventually("sender disconnected", || async {
            !raw.is_connected(n.id()).await
        })
        .await;
        raw.dial(n.addr()).await;
        tokio::time::sleep(Duration::from_millis(500)).await;
        assert!(!raw.is_connected(n.id()).await, "banned peer reconnected");
        let stats = n.net.stats();
        assert!(stats.topics.iter().all(|t| t.received == 0));
        while let Ok(event) = n.events.try_recv() {
            assert!(
                !matches!(event, NetworkEvent::Gossip { .. }),
                "bad gossip reached the node"
            );
        }
        n.net.shutdown().await;
    })
    .await;
}
