//! etn's peer-to-peer layer (specs/p2p-interface.md): libp2p over TCP with noise and
//! yamux, gossipsub for blocks, attestations, ticket operations, payloads and slashings,
//! and req/resp for status and block sync.
//!
//! The crate moves bytes and enforces the wire's rules (encodings, size limits, timeouts,
//! peer scores, blocks); it holds no consensus logic. Every gossip message is handed to
//! the node, decoded, and is forwarded only once the node reports it valid; inbound
//! requests are answered by the node, which has the chain.
//!
//! ```no_run
//! # async fn run() -> Result<(), etn_network::NetworkError> {
//! use etn_network::{NetworkConfig, NetworkEvent, Validation};
//! let (net, mut events) = etn_network::start(NetworkConfig::default()).await?;
//! while let Some(event) = events.recv().await {
//!     if let NetworkEvent::Gossip { id, source, message } = event {
//!         // ... validate `message` against the chain ...
//!         net.report(id, source, Validation::Accept);
//!     }
//! }
//! # Ok(()) }
//! ```

mod behaviour;
mod config;
mod error;
mod gossip;
mod handle;
mod peers;
mod rpc;
pub mod scoring;
mod service;
mod stats;
mod topics;

pub use behaviour::{AGENT_VERSION, IDENTIFY_PROTOCOL, peer_id_from_seed};
pub use config::{GossipTiming, NetworkConfig};
pub use error::{NetworkError, RequestError};
pub use handle::{NetworkEvent, NetworkHandle, RequestId, ResponseHandle, Validation};
pub use libp2p::gossipsub::MessageId;
/// Multiaddr components, to build bootnode addresses (`addr.with(Protocol::P2p(id))`).
pub use libp2p::multiaddr::Protocol;
pub use libp2p::{Multiaddr, PeerId};
pub use peers::{Direction, PeerInfo};
pub use rpc::{Method, Request, Response, ResponseCode};
pub use stats::{NetworkStats, TopicStats};
pub use topics::{GossipKind, GossipMessage, MESSAGE_ID_LEN, message_id};

use futures::StreamExt;
use handle::Shared;
use libp2p::swarm::SwarmEvent;
use std::sync::Arc;
use std::sync::atomic::AtomicU64;
use std::time::{Duration, Instant};
use tokio::sync::mpsc;

/// How long `start` waits for the listener to come up.
const LISTEN_TIMEOUT: Duration = Duration::from_secs(5);

/// Starts the network: binds the listener, spawns the swarm task on the current tokio
/// runtime, and returns the handle and the node's event stream.
///
/// Returns once the listen address is bound, so `listen_addrs` (and a port chosen by the
/// OS for `/tcp/0`) is known and a port already in use is an error here, not a log line.
/// Bootnodes are dialled right after.
pub async fn start(
    config: NetworkConfig,
) -> Result<(NetworkHandle, mpsc::Receiver<NetworkEvent>), NetworkError> {
    if config.event_buffer == 0 {
        return Err(NetworkError::Config("event_buffer must be positive".into()));
    }
    let keypair = behaviour::keypair(config.key_seed);
    let local_peer_id = keypair.public().to_peer_id();
    let topics = gossip::Topics::new(config.fork_digest);
    let shared = Arc::new(Shared::default());
    let mut swarm = behaviour::build_swarm(&config, keypair, &topics, shared.counters.clone())?;
    swarm
        .listen_on(config.listen.clone())
        .map_err(|e| NetworkError::Listen(format!("{}: {e}", config.listen)))?;
    let first = tokio::time::timeout(LISTEN_TIMEOUT, async {
        loop {
            match swarm.select_next_some().await {
                SwarmEvent::NewListenAddr { address, .. } => return Ok(address),
                SwarmEvent::ListenerClosed { reason, .. } => {
                    return Err(format!("listener closed: {reason:?}"));
                }
                SwarmEvent::ListenerError { error, .. } => return Err(error.to_string()),
                _ => {}
            }
        }
    })
    .await
    .map_err(|_| NetworkError::Listen(format!("{}: timed out", config.listen)))?
    .map_err(NetworkError::Listen)?;
    tracing::info!(peer_id = %local_peer_id, address = %first, "network started");
    shared.listen_addrs.lock().expect("lock").push(first);

    let (event_tx, event_rx) = mpsc::channel(config.event_buffer);
    let (command_tx, command_rx) = mpsc::unbounded_channel();
    let peers = peers::PeerManager::new(
        local_peer_id,
        &config.bootnodes,
        config.redial_backoff,
        config.ban_duration,
        Instant::now(),
    );
    let service = service::Service::new(swarm, topics, command_rx, event_tx, shared.clone(), peers);
    tokio::spawn(service.run());
    let handle = NetworkHandle {
        commands: command_tx,
        shared,
        local_peer_id,
        fork_digest: config.fork_digest,
        next_request: Arc::new(AtomicU64::new(1)),
    };
    Ok((handle, event_rx))
}
