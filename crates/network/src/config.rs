//! The network's configuration, with defaults sized for a 4–16 node loopback devnet with
//! 2-second slots.

use libp2p::Multiaddr;
use std::time::Duration;

/// Everything `start` needs. `NetworkConfig::default()` listens on an OS-chosen port on
/// 127.0.0.1 with no bootnodes and a random key; a devnet sets `listen`, `bootnodes`,
/// `fork_digest` and `key_seed`.
#[derive(Debug, Clone)]
pub struct NetworkConfig {
    /// Where to accept connections, e.g. `/ip4/127.0.0.1/tcp/9000` (`/tcp/0` lets the OS
    /// pick a port; `NetworkHandle::listen_addrs` reports it).
    pub listen: Multiaddr,
    /// Peers dialled at start and redialled with backoff whenever we are not connected to
    /// them. An address may end in `/p2p/<peer id>` (see `peer_id_from_seed`), which
    /// authenticates the dial and lets a blocked peer be skipped without dialling; a bare
    /// address works too, its peer id being learned from the first connection.
    pub bootnodes: Vec<Multiaddr>,
    /// Fork digest of the chain; part of every topic name, so chains never mix gossip.
    pub fork_digest: [u8; 4],
    /// Seed of the node's ed25519 identity. With a seed the peer id is the same across
    /// restarts (devnet bootnode lists stay valid); without one a fresh key is generated.
    pub key_seed: Option<[u8; 32]>,
    /// Most inbound connections accepted; our own dials to bootnodes are not limited.
    pub target_peers: usize,
    pub gossip: GossipTiming,
    /// How long an outbound request may take to be fully answered, and an inbound one to
    /// be read and answered.
    pub request_timeout: Duration,
    /// First and largest delay between redials of a disconnected bootnode (doubling
    /// after each failed dial or connection that closed at once; back to the first after
    /// a stable connection or an unblock).
    pub redial_backoff: (Duration, Duration),
    /// How long a peer whose gossip score fell below the graylist threshold stays
    /// disconnected and refused (`None`: graylisted peers stay connected but ignored).
    pub ban_duration: Option<Duration>,
    /// Capacity of the event channel to the node. When it is full, gossip is ignored
    /// (not forwarded) and inbound requests are dropped, rather than stalling the swarm.
    pub event_buffer: usize,
}

/// Gossipsub timing. Ethereum's values assume 12-second slots; etn's devnets run 2-second
/// slots, so the heartbeat and caches are scaled down (see specs/p2p-interface.md).
#[derive(Debug, Clone)]
pub struct GossipTiming {
    /// Mesh maintenance and IHAVE emission period.
    pub heartbeat_interval: Duration,
    /// Heartbeats a message stays in the message cache, i.e. how long the node has to
    /// validate a message before it can no longer be forwarded.
    pub history_length: usize,
    /// Heartbeats of history advertised in IHAVE.
    pub history_gossip: usize,
    /// How long message ids are remembered to drop duplicates ("seen TTL").
    pub seen_ttl: Duration,
    /// Target mesh degree D, with D_low and D_high.
    pub mesh_n: usize,
    pub mesh_n_low: usize,
    pub mesh_n_high: usize,
}

impl Default for GossipTiming {
    fn default() -> Self {
        Self {
            heartbeat_interval: Duration::from_millis(500),
            history_length: 12,
            history_gossip: 3,
            seen_ttl: Duration::from_secs(120),
            mesh_n: 6,
            mesh_n_low: 4,
            mesh_n_high: 12,
        }
    }
}

impl Default for NetworkConfig {
    fn default() -> Self {
        Self {
            listen: "/ip4/127.0.0.1/tcp/0".parse().expect("valid multiaddr"),
            bootnodes: Vec::new(),
            fork_digest: [0; 4],
            key_seed: None,
            target_peers: 16,
            gossip: GossipTiming::default(),
            request_timeout: Duration::from_secs(10),
            redial_backoff: (Duration::from_millis(500), Duration::from_secs(5)),
            ban_duration: Some(Duration::from_secs(60)),
            event_buffer: 4096,
        }
    }
}
