//! Adapters between the node's parts and the network: the duties' [`Broadcast`] goes to
//! gossip, and the API's [`NetworkInfo`] / [`SyncInfo`] read the network and sync state.

use crate::api::{NetworkInfo, PeerSummary, SyncInfo, WireStats};
use crate::duties::Broadcast;
use etn_network::{Direction, GossipMessage, NetworkHandle, PeerId, PeerInfo};
use etn_types::*;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};

/// Publishes the node's own messages on gossip. A failed publish (no peers yet, message
/// too large) is logged: the message is already in the local chain either way.
pub struct NetworkBroadcast(pub NetworkHandle);

impl NetworkBroadcast {
    fn publish(&self, message: GossipMessage) {
        if let Err(e) = self.0.publish(&message) {
            tracing::debug!(kind = ?message.kind(), "not published: {e}");
        }
    }
}

impl Broadcast for NetworkBroadcast {
    fn block(&self, block: &SignedBeaconBlock) {
        self.publish(GossipMessage::Block(Box::new(block.clone())));
    }
    fn attestation(&self, attestation: &Attestation) {
        self.publish(GossipMessage::Attestation(Box::new(attestation.clone())));
    }
    fn purchase(&self, op: &SignedBuyTickets) {
        self.publish(GossipMessage::Purchase(op.clone()));
    }
    fn payload(&self, payload: &SignedExecutionPayload) {
        self.publish(GossipMessage::Payload(Box::new(payload.clone())));
    }
}

/// The network as the HTTP API sees it. The peer list is a snapshot refreshed by the
/// node every second, because API handlers must not wait on the swarm.
pub struct NetworkView {
    pub handle: NetworkHandle,
    pub peers: Arc<Mutex<Vec<PeerInfo>>>,
}

fn parse_peer(peer: &str) -> Result<PeerId, String> {
    peer.parse::<PeerId>()
        .map_err(|e| format!("invalid peer id `{peer}`: {e}"))
}

impl NetworkInfo for NetworkView {
    fn peer_id(&self) -> String {
        self.handle.local_peer_id().to_string()
    }
    fn listen_addresses(&self) -> Vec<String> {
        self.handle
            .listen_addrs()
            .iter()
            .map(ToString::to_string)
            .collect()
    }
    fn peers(&self) -> Vec<PeerSummary> {
        let peers = self.peers.lock().map(|p| p.clone()).unwrap_or_default();
        peers
            .into_iter()
            .map(|p| PeerSummary {
                peer_id: p.peer_id.to_string(),
                address: p.address.to_string(),
                direction: match p.direction {
                    Direction::Inbound => "inbound",
                    Direction::Outbound => "outbound",
                }
                .into(),
                score: p.gossip_score,
            })
            .collect()
    }
    fn block_peer(&self, peer: &str) -> Result<(), String> {
        let peer = parse_peer(peer)?;
        if peer == self.handle.local_peer_id() {
            return Err("a node cannot block itself".into());
        }
        self.handle.block_peer(peer);
        if let Ok(mut peers) = self.peers.lock() {
            peers.retain(|p| p.peer_id != peer);
        }
        Ok(())
    }
    fn unblock_peer(&self, peer: &str) -> Result<(), String> {
        self.handle.unblock_peer(parse_peer(peer)?);
        Ok(())
    }
    fn wire_stats(&self) -> WireStats {
        let stats = self.handle.stats();
        WireStats {
            undecodable: stats
                .topics
                .iter()
                .map(|t| (t.topic.name().to_string(), t.invalid))
                .collect(),
            peers_banned: stats.peers_banned,
        }
    }
    fn blocked_peers(&self) -> Vec<String> {
        self.handle
            .blocked_peers()
            .iter()
            .map(ToString::to_string)
            .collect()
    }
}

/// Whether the node is catching up; set by sync, read by the API and the duties (which
/// do not propose or attest on a stale head).
#[derive(Debug, Clone, Default)]
pub struct SyncFlag(Arc<AtomicBool>);

impl SyncFlag {
    pub fn set(&self, syncing: bool) {
        self.0.store(syncing, Ordering::Relaxed);
    }
    pub fn get(&self) -> bool {
        self.0.load(Ordering::Relaxed)
    }
}

impl SyncInfo for SyncFlag {
    fn is_syncing(&self) -> bool {
        self.get()
    }
}
