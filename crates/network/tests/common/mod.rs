//! Shared helpers for the network integration tests: nodes on 127.0.0.1 with OS-chosen
//! ports, bounded waits, sample messages, and a bare libp2p peer for misbehaving.

#![allow(dead_code)]

pub mod raw;

use etn_network::{
    GossipKind, GossipMessage, MessageId, Multiaddr, NetworkConfig, NetworkEvent, NetworkHandle,
    PeerId, Request, RequestError, RequestId, Response, ResponseHandle, Validation,
};
use etn_types::{
    Attestation, AttesterSlashing, Bytes32, SignedBeaconBlock, SignedBuyTickets,
    SignedExecutionPayload, SignedSellTickets,
};
use std::future::Future;
use std::time::Duration;
use tokio::sync::mpsc;

pub const FORK: [u8; 4] = [0xe7, 0, 0, 1];
pub const WAIT: Duration = Duration::from_secs(10);

pub struct Node {
    pub net: NetworkHandle,
    pub events: mpsc::Receiver<NetworkEvent>,
}

pub fn config(bootnodes: Vec<Multiaddr>) -> NetworkConfig {
    NetworkConfig {
        bootnodes,
        fork_digest: FORK,
        redial_backoff: (Duration::from_millis(100), Duration::from_millis(500)),
        request_timeout: Duration::from_secs(2),
        ..NetworkConfig::default()
    }
}

pub async fn node(bootnodes: Vec<Multiaddr>) -> Node {
    node_with(config(bootnodes)).await
}

pub async fn node_with(config: NetworkConfig) -> Node {
    let (net, events) = etn_network::start(config).await.expect("network starts");
    Node { net, events }
}

impl Node {
    pub fn addr(&self) -> Multiaddr {
        self.net.bootnode_addr().expect("listening")
    }

    pub fn id(&self) -> PeerId {
        self.net.local_peer_id()
    }

    /// The next gossip message within `within`, skipping other events.
    pub async fn next_gossip(
        &mut self,
        within: Duration,
    ) -> Option<(MessageId, PeerId, GossipMessage)> {
        let deadline = tokio::time::Instant::now() + within;
        loop {
            match tokio::time::timeout_at(deadline, self.events.recv()).await {
                Ok(Some(NetworkEvent::Gossip {
                    id,
                    source,
                    message,
                })) => {
                    return Some((id, source, message));
                }
                Ok(Some(_)) => continue,
                Ok(None) | Err(_) => return None,
            }
        }
    }

    pub async fn next_request(
        &mut self,
        within: Duration,
    ) -> Option<(PeerId, Request, ResponseHandle)> {
        let deadline = tokio::time::Instant::now() + within;
        loop {
            match tokio::time::timeout_at(deadline, self.events.recv()).await {
                Ok(Some(NetworkEvent::InboundRequest {
                    peer,
                    request,
                    respond,
                })) => {
                    return Some((peer, request, respond));
                }
                Ok(Some(_)) => continue,
                Ok(None) | Err(_) => return None,
            }
        }
    }

    pub async fn next_response(
        &mut self,
        within: Duration,
    ) -> Option<(RequestId, Result<Response, RequestError>)> {
        let deadline = tokio::time::Instant::now() + within;
        loop {
            match tokio::time::timeout_at(deadline, self.events.recv()).await {
                Ok(Some(NetworkEvent::OutboundResponse { id, response, .. })) => {
                    return Some((id, response));
                }
                Ok(Some(_)) => continue,
                Ok(None) | Err(_) => return None,
            }
        }
    }

    /// Accepts every gossip message from now on, forwarding each to `seen`.
    pub fn auto_accept(
        self,
        seen: mpsc::UnboundedSender<(PeerId, GossipMessage)>,
    ) -> NetworkHandle {
        let Node { net, mut events } = self;
        let handle = net.clone();
        let me = net.local_peer_id();
        tokio::spawn(async move {
            while let Some(event) = events.recv().await {
                if let NetworkEvent::Gossip {
                    id,
                    source,
                    message,
                } = event
                {
                    net.report(id, source, Validation::Accept);
                    let _ = seen.send((me, message));
                }
            }
        });
        handle
    }
}

/// Polls `check` every 20 ms until it holds or `WAIT` passes.
pub async fn eventually<F, Fut>(what: &str, mut check: F)
where
    F: FnMut() -> Fut,
    Fut: Future<Output = bool>,
{
    let deadline = tokio::time::Instant::now() + WAIT;
    while tokio::time::Instant::now() < deadline {
        if check().await {
            return;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    panic!("timed out waiting for: {what}");
}

/// Waits until `net` sees `peers` subscribed to every topic (so a publish reaches them).
pub async fn wait_subscribed(net: &NetworkHandle, peers: &[PeerId]) {
    for kind in GossipKind::ALL {
        eventually(&format!("{kind} subscriptions"), || async {
            let subscribed = net.topic_peers(kind).await;
            peers.iter().all(|p| subscribed.contains(p))
        })
        .await;
    }
}

/// A block of about `size` bytes of SSZ (the bulk in payload transactions), made unique
/// by `nonce`.
pub fn block(nonce: u64, size: usize) -> SignedBeaconBlock {
    let mut block = SignedBeaconBlock::default();
    block.message.slot = nonce;
    block.message.body.graffiti = Bytes32::from([(nonce % 251) as u8; 32]);
    if size > 0 {
        let mut payload = SignedExecutionPayload::default();
        payload.message.slot = nonce;
        let mut txs = Vec::new();
        let mut left = size;
        let mut seed = nonce.wrapping_mul(0x9e37_79b9_7f4a_7c15) | 1;
        while left > 0 {
            let n = left.min(4096);
            // Pseudo-random bytes, so snappy cannot shrink the block to nothing.
            let bytes: Vec<u8> = (0..n)
                .map(|_| {
                    seed ^= seed << 13;
                    seed ^= seed >> 7;
                    seed ^= seed << 17;
                    (seed >> 32) as u8
                })
                .collect();
            txs.push(bytes.try_into().expect("tx fits"));
            left -= n;
        }
        payload.message.transactions = txs.try_into().expect("txs fit");
        block.message.body.execution_payload = vec![payload].try_into().expect("one payload");
    }
    block
}

/// One message of every topic.
pub fn one_of_each(nonce: u64) -> Vec<GossipMessage> {
    let mut attestation = Attestation::default();
    attestation.data.slot = nonce;
    let mut purchase = SignedBuyTickets::default();
    purchase.message.nonce = nonce;
    let mut sale = SignedSellTickets::default();
    sale.message.nonce = nonce;
    let mut payload = SignedExecutionPayload::default();
    payload.message.slot = nonce;
    let mut slashing = AttesterSlashing::default();
    slashing.attestation_1.data.slot = nonce;
    vec![
        GossipMessage::Block(Box::new(block(nonce, 0))),
        GossipMessage::Attestation(Box::new(attestation)),
        GossipMessage::Purchase(purchase),
        GossipMessage::Sale(sale),
        GossipMessage::Payload(Box::new(payload)),
        GossipMessage::Slashing(Box::new(slashing)),
    ]
}

/// Runs a test body with an overall time bound.
pub async fn bounded<F: Future<Output = ()>>(secs: u64, body: F) {
    tokio::time::timeout(Duration::from_secs(secs), body)
        .await
        .expect("test timed out");
}
