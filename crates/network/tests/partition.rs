//! Partition control: blocking drops a peer and keeps it out (bootnode redials and its
//! own dials included); unblocking heals. Seeded identities and bootnode redials.

mod common;

use common::*;
use etn_network::{
    GossipMessage, Multiaddr, NetworkConfig, NetworkEvent, NetworkHandle, PeerId, Protocol,
};
use std::time::Duration;
use tokio::sync::mpsc;

async fn connected(a: &NetworkHandle, b: PeerId) -> bool {
    a.peers().await.iter().any(|p| p.peer_id == b)
}

/// Asserts that `blocker` never has `other` as a peer for `d`. (`other`, when it dials
/// in, may see a connection for an instant: the blocker can only refuse it once the
/// handshake has told it who is calling, and then closes it.)
async fn refuses(blocker: &NetworkHandle, other: PeerId, d: Duration) {
    let deadline = tokio::time::Instant::now() + d;
    while tokio::time::Instant::now() < deadline {
        assert!(!connected(blocker, other).await, "blocked peer connected");
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

/// Counts `PeerConnected { peer }` events until `d` has passed (after dropping those
/// already queued), and asserts that no gossip arrives meanwhile.
async fn count_connects(node: &mut Node, peer: PeerId, d: Duration) -> usize {
    while node.events.try_recv().is_ok() {}
    count_events(node, peer, d).await
}

/// Counts `PeerConnected { peer }` events until `d` has passed, and asserts that no
/// gossip arrives meanwhile.
async fn count_events(node: &mut Node, peer: PeerId, d: Duration) -> usize {
    let deadline = tokio::time::Instant::now() + d;
    let mut connects = 0;
    while let Ok(Some(event)) = tokio::time::timeout_at(deadline, node.events.recv()).await {
        match event {
            NetworkEvent::PeerConnected { peer: p } if p == peer => connects += 1,
            NetworkEvent::Gossip { .. } => panic!("gossip crossed a block"),
            _ => {}
        }
    }
    connects
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn blocking_a_bootnode_stops_redials_until_unblocked() {
    bounded(60, async {
        let mut a = node(vec![]).await;
        let b = node(vec![a.addr()]).await;
        eventually("connected", || async { connected(&b.net, a.id()).await }).await;

        // b blocks its own bootnode: dropped, not redialled (backoff is 100-500 ms here),
        // and a's dial is refused too.
        b.net.block_peer(a.id());
        assert_eq!(b.net.blocked_peers(), vec![a.id()]);
        eventually("disconnected", || async {
            !connected(&a.net, b.id()).await && !connected(&b.net, a.id()).await
        })
        .await;
        while a.events.try_recv().is_ok() {}
        a.net.dial(b.addr());
        b.net
            .publish(&GossipMessage::Block(Box::new(block(1, 100))))
            .unwrap();
        let (watch, connects) = tokio::join!(
            refuses(&b.net, a.id(), Duration::from_millis(1500)),
            count_events(&mut a, b.id(), Duration::from_millis(1500)),
        );
        let () = watch;
        assert!(connects <= 1, "{connects} connections after one dial");
        assert!(!connected(&a.net, b.id()).await);

        b.net.unblock_peer(a.id());
        assert!(b.net.blocked_peers().is_empty());
        eventually("reconnected", || async {
            connected(&b.net, a.id()).await && connected(&a.net, b.id()).await
        })
        .await;
        a.net.shutdown().await;
        b.net.shutdown().await;
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_blocked_peer_cannot_dial_back_in() {
    bounded(60, async {
        let a = node(vec![]).await;
        let mut b = node(vec![a.addr()]).await;
        eventually("connected", || async { connected(&a.net, b.id()).await }).await;

        // a blocks b; b keeps redialling its bootnode a, and a refuses every time. Each
        // refused connection doubles b's delay (100, 200, 400, 500, 500 ms here), so b
        // does not hammer a.
        a.net.block_peer(b.id());
        eventually("disconnected", || async {
            !connected(&b.net, a.id()).await
        })
        .await;
        a.net
            .publish(&GossipMessage::Block(Box::new(block(2, 100))))
            .unwrap();
        let (watch, connects) = tokio::join!(
            refuses(&a.net, b.id(), Duration::from_millis(2000)),
            count_connects(&mut b, a.id(), Duration::from_millis(2000)),
        );
        let () = watch;
        assert!(
            (1..=6).contains(&connects),
            "{connects} refused redials in 2 s"
        );

        // Once lifted, b's next redial (at most 500 ms away) gets through.
        a.net.unblock_peer(b.id());
        eventually("reconnected", || async {
            connected(&a.net, b.id()).await && connected(&b.net, a.id()).await
        })
        .await;
        a.net.shutdown().await;
        b.net.shutdown().await;
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn seeded_nodes_have_known_ids_and_are_redialled_after_a_restart() {
    bounded(60, async {
        let seed = [42u8; 32];
        let id = etn_network::peer_id_from_seed(seed);
        assert_eq!(id, etn_network::peer_id_from_seed(seed));
        assert_ne!(id, etn_network::peer_id_from_seed([43; 32]));
        let seeded = |listen: Multiaddr| NetworkConfig {
            listen,
            key_seed: Some(seed),
            ..config(vec![])
        };
        let a = node_with(seeded("/ip4/127.0.0.1/tcp/0".parse().unwrap())).await;
        assert_eq!(a.id(), id);
        // b knows a by an address built from the seed alone; c by a bare address.
        let listen = a.net.listen_addrs()[0].clone();
        let with_id = listen.clone().with(Protocol::P2p(id));
        let b = node(vec![with_id]).await;
        let c = node(vec![listen.clone()]).await;
        for n in [&b, &c] {
            eventually("connected to the seeded node", || async {
                connected(&n.net, id).await
            })
            .await;
        }

        // a restarts with the same seed on the same port: both redial it.
        a.net.shutdown().await;
        eventually("a gone", || async {
            !connected(&b.net, id).await && !connected(&c.net, id).await
        })
        .await;
        let a = node_with(seeded(listen)).await;
        assert_eq!(a.id(), id);
        for n in [&b, &c] {
            eventually("redialled after the restart", || async {
                connected(&n.net, id).await
            })
            .await;
        }
        for n in [&a, &b, &c] {
            n.net.shutdown().await;
        }
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_two_two_split_isolates_gossip_until_healed() {
    bounded(90, async {
        // Four fully connected nodes: each knows all the earlier ones as bootnodes.
        let mut nodes = vec![node(vec![]).await];
        for _ in 1..4 {
            let boot = nodes.iter().map(|n| n.addr()).collect();
            nodes.push(node(boot).await);
        }
        let ids: Vec<PeerId> = nodes.iter().map(|n| n.id()).collect();
        for n in &nodes {
            let others: Vec<_> = ids.iter().copied().filter(|p| *p != n.id()).collect();
            wait_subscribed(&n.net, &others).await;
        }
        let (tx, mut rx) = mpsc::unbounded_channel();
        let nets: Vec<NetworkHandle> = nodes
            .into_iter()
            .map(|n| n.auto_accept(tx.clone()))
            .collect();

        // Split {0, 1} | {2, 3}.
        for (left, right) in [(0, 2), (0, 3), (1, 2), (1, 3)] {
            nets[left].block_peer(ids[right]);
            nets[right].block_peer(ids[left]);
        }
        for (left, right) in [(0, 2), (0, 3), (1, 2), (1, 3)] {
            eventually("split", || async {
                !connected(&nets[left], ids[right]).await
            })
            .await;
        }
        let during = GossipMessage::Block(Box::new(block(100, 500)));
        nets[0].publish(&during).unwrap();
        let (who, got) = tokio::time::timeout(WAIT, rx.recv())
            .await
            .unwrap()
            .unwrap();
        assert_eq!((who, got), (ids[1], during));
        assert!(
            tokio::time::timeout(Duration::from_millis(1500), rx.recv())
                .await
                .is_err(),
            "gossip crossed the split"
        );

        // Heal, and gossip reaches everyone again.
        for (left, right) in [(0, 2), (0, 3), (1, 2), (1, 3)] {
            nets[left].unblock_peer(ids[right]);
            nets[right].unblock_peer(ids[left]);
        }
        for i in 1..4 {
            let others: Vec<_> = ids.iter().copied().filter(|p| *p != ids[i]).collect();
            eventually("healed", || async {
                let peers = nets[i].peers().await;
                others.iter().all(|p| peers.iter().any(|q| q.peer_id == *p))
            })
            .await;
        }
        wait_subscribed(&nets[0], &ids[1..]).await;
        let after = GossipMessage::Block(Box::new(block(101, 500)));
        nets[0].publish(&after).unwrap();
        let mut got = vec![];
        for _ in 0..3 {
            got.push(
                tokio::time::timeout(WAIT, rx.recv())
                    .await
                    .unwrap()
                    .unwrap(),
            );
        }
        got.sort_by_key(|(who, _)| *who);
        let mut expected: Vec<_> = ids[1..].iter().map(|p| (*p, after.clone())).collect();
        expected.sort_by_key(|(who, _)| *who);
        assert_eq!(got, expected);
        for n in &nets {
            n.shutdown().await;
        }
    })
    .await;
}
