//! The composed libp2p behaviour and the swarm (TCP + noise + yamux) that runs it.

use crate::config::NetworkConfig;
use crate::error::NetworkError;
use crate::gossip::{self, Gossipsub, Topics};
use crate::rpc::{Method, RpcCodec};
use crate::stats::Counters;
use libp2p::swarm::NetworkBehaviour;
use libp2p::{
    PeerId, Swarm, SwarmBuilder, allow_block_list, connection_limits, identify, identity, noise,
    request_response, tcp, yamux,
};
use std::sync::Arc;
use std::time::Duration;

/// Protocol version announced by identify.
pub const IDENTIFY_PROTOCOL: &str = "/etn/1.0.0";
/// Agent announced by identify.
pub const AGENT_VERSION: &str = concat!("etn/", env!("CARGO_PKG_VERSION"));

/// Connections with no open stream are kept this long. Gossipsub keeps its streams open,
/// so this only reaps connections of peers that speak none of our protocols.
const IDLE_CONNECTION_TIMEOUT: Duration = Duration::from_secs(60);

/// Everything the swarm runs. Field order is the order in which behaviours are asked
/// about new connections, so the block list and limits come first and deny early.
#[derive(NetworkBehaviour)]
pub(crate) struct Behaviour {
    pub(crate) blocked: allow_block_list::Behaviour<allow_block_list::BlockedPeers>,
    pub(crate) limits: connection_limits::Behaviour,
    pub(crate) identify: identify::Behaviour,
    pub(crate) gossipsub: Gossipsub,
    pub(crate) status: request_response::Behaviour<RpcCodec>,
    pub(crate) blocks_by_range: request_response::Behaviour<RpcCodec>,
    pub(crate) blocks_by_root: request_response::Behaviour<RpcCodec>,
}

impl Behaviour {
    pub(crate) fn rpc(&mut self, method: Method) -> &mut request_response::Behaviour<RpcCodec> {
        match method {
            Method::Status => &mut self.status,
            Method::BlocksByRange => &mut self.blocks_by_range,
            Method::BlocksByRoot => &mut self.blocks_by_root,
        }
    }
}

/// The node key: ed25519 from the seed (stable peer id) or fresh.
pub(crate) fn keypair(seed: Option<[u8; 32]>) -> identity::Keypair {
    match seed {
        Some(seed) => keypair_from_seed(seed),
        None => identity::Keypair::generate_ed25519(),
    }
}

fn keypair_from_seed(mut seed: [u8; 32]) -> identity::Keypair {
    // The seed is used as the ed25519 secret key; every 32-byte string is one.
    identity::Keypair::ed25519_from_bytes(&mut seed).expect("32 bytes are an ed25519 secret key")
}

/// The peer id of a node started with `NetworkConfig::key_seed = Some(seed)`, computed
/// without starting it: what a devnet orchestrator needs to write bootnode addresses
/// ending in `/p2p/<peer id>` before any node is up.
pub fn peer_id_from_seed(seed: [u8; 32]) -> PeerId {
    keypair_from_seed(seed).public().to_peer_id()
}

fn rpc_behaviour(method: Method, timeout: Duration) -> request_response::Behaviour<RpcCodec> {
    request_response::Behaviour::with_codec(
        RpcCodec::new(method),
        [(method.protocol(), request_response::ProtocolSupport::Full)],
        request_response::Config::default().with_request_timeout(timeout),
    )
}

pub(crate) fn build_swarm(
    config: &NetworkConfig,
    keypair: identity::Keypair,
    topics: &Topics,
    counters: Arc<Counters>,
) -> Result<Swarm<Behaviour>, NetworkError> {
    let gossipsub = gossip::build(&config.gossip, topics, counters)?;
    let incoming = u32::try_from(config.target_peers).unwrap_or(u32::MAX);
    let limits = connection_limits::ConnectionLimits::default()
        .with_max_established_incoming(Some(incoming))
        .with_max_pending_incoming(Some(incoming.saturating_add(8)));
    let timeout = config.request_timeout;
    let behaviour = move |key: &identity::Keypair| Behaviour {
        blocked: allow_block_list::Behaviour::default(),
        limits: connection_limits::Behaviour::new(limits),
        identify: identify::Behaviour::new(
            identify::Config::new(IDENTIFY_PROTOCOL.into(), key.public())
                .with_agent_version(AGENT_VERSION.into()),
        ),
        gossipsub,
        status: rpc_behaviour(Method::Status, timeout),
        blocks_by_range: rpc_behaviour(Method::BlocksByRange, timeout),
        blocks_by_root: rpc_behaviour(Method::BlocksByRoot, timeout),
    };
    Ok(SwarmBuilder::with_existing_identity(keypair)
        .with_tokio()
        .with_tcp(
            // Nagle's algorithm would hold small gossip frames back by up to 40 ms.
            tcp::Config::default().nodelay(true),
            noise::Config::new,
            yamux::Config::default,
        )
        .map_err(|e| NetworkError::Transport(e.to_string()))?
        .with_behaviour(behaviour)
        .map_err(|e| NetworkError::Transport(format!("{e:?}")))?
        .with_swarm_config(|c| c.with_idle_connection_timeout(IDLE_CONNECTION_TIMEOUT))
        .build())
}
