//! Counters shared between the swarm task (which increments them) and the handle (which
//! reads them for the node's API and metrics) without a round trip through the task.

use crate::topics::GossipKind;
use std::sync::atomic::{AtomicU64, Ordering::Relaxed};

/// Per-topic gossip counters, as atomics.
#[derive(Default)]
pub(crate) struct TopicCounters {
    received: AtomicU64,
    accepted: AtomicU64,
    rejected: AtomicU64,
    ignored: AtomicU64,
    invalid: AtomicU64,
    dropped: AtomicU64,
    published: AtomicU64,
}

/// What the swarm task counts.
#[derive(Default)]
pub(crate) struct Counters {
    topics: [TopicCounters; 6],
    requests_received: AtomicU64,
    requests_sent: AtomicU64,
    request_failures: AtomicU64,
    events_dropped: AtomicU64,
    peers_banned: AtomicU64,
    rpc_faults: AtomicU64,
}

/// Which gossip counter to bump.
#[derive(Debug, Clone, Copy)]
pub(crate) enum GossipCount {
    Received,
    Accepted,
    Rejected,
    Ignored,
    Invalid,
    Dropped,
    Published,
}

/// Which request counter to bump.
#[derive(Debug, Clone, Copy)]
pub(crate) enum RequestCount {
    Received,
    Sent,
    Failed,
    EventDropped,
    PeerBanned,
    RpcFault,
}

impl Counters {
    pub(crate) fn gossip(&self, kind: GossipKind, what: GossipCount) {
        let t = &self.topics[kind.index()];
        let counter = match what {
            GossipCount::Received => &t.received,
            GossipCount::Accepted => &t.accepted,
            GossipCount::Rejected => &t.rejected,
            GossipCount::Ignored => &t.ignored,
            GossipCount::Invalid => &t.invalid,
            GossipCount::Dropped => &t.dropped,
            GossipCount::Published => &t.published,
        };
        counter.fetch_add(1, Relaxed);
    }

    pub(crate) fn count(&self, what: RequestCount) {
        let counter = match what {
            RequestCount::Received => &self.requests_received,
            RequestCount::Sent => &self.requests_sent,
            RequestCount::Failed => &self.request_failures,
            RequestCount::EventDropped => &self.events_dropped,
            RequestCount::PeerBanned => &self.peers_banned,
            RequestCount::RpcFault => &self.rpc_faults,
        };
        counter.fetch_add(1, Relaxed);
    }

    pub(crate) fn snapshot(&self, connected_peers: usize) -> NetworkStats {
        NetworkStats {
            topics: GossipKind::ALL
                .into_iter()
                .map(|kind| {
                    let t = &self.topics[kind.index()];
                    TopicStats {
                        topic: kind,
                        received: t.received.load(Relaxed),
                        accepted: t.accepted.load(Relaxed),
                        rejected: t.rejected.load(Relaxed),
                        ignored: t.ignored.load(Relaxed),
                        invalid: t.invalid.load(Relaxed),
                        dropped: t.dropped.load(Relaxed),
                        published: t.published.load(Relaxed),
                    }
                })
                .collect(),
            connected_peers,
            requests_received: self.requests_received.load(Relaxed),
            requests_sent: self.requests_sent.load(Relaxed),
            request_failures: self.request_failures.load(Relaxed),
            events_dropped: self.events_dropped.load(Relaxed),
            peers_banned: self.peers_banned.load(Relaxed),
            rpc_faults: self.rpc_faults.load(Relaxed),
        }
    }
}

/// Gossip counters of one topic since start.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TopicStats {
    pub topic: GossipKind,
    /// Decoded messages handed to the node for validation.
    pub received: u64,
    /// The node's verdicts.
    pub accepted: u64,
    pub rejected: u64,
    pub ignored: u64,
    /// Rejected by the network itself: bad snappy, too large, or undecodable SSZ.
    pub invalid: u64,
    /// Ignored because the event channel to the node was full.
    pub dropped: u64,
    /// Published by this node.
    pub published: u64,
}

/// A snapshot of the network's counters (for `/metrics` and the status table).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NetworkStats {
    pub topics: Vec<TopicStats>,
    pub connected_peers: usize,
    pub requests_received: u64,
    pub requests_sent: u64,
    /// Outbound requests that ended in a `RequestError`.
    pub request_failures: u64,
    /// Events not delivered because the node's channel was full.
    pub events_dropped: u64,
    /// Peers disconnected and banned for a graylisted gossip score.
    pub peers_banned: u64,
    /// Req/resp faults counted against peers: malformed or out-of-limit requests, and
    /// responses that broke the format or the request (each lowers the peer's score).
    pub rpc_faults: u64,
}
