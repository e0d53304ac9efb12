//! The node's HTTP API: the Beacon-API endpoints a protocol engineer's tools expect, the
//! execution-ticket views (`/etn/v1/...`), partition control, and Prometheus metrics.
//!
//! Handlers never touch the chain directly: they send closures to the chain service
//! (`ChainHandle::with_chain`), so a slow request never blocks imports for longer than
//! its own read, and the API needs no locks.

mod beacon;
mod error;
mod etn;
mod events;
mod json;
pub mod metrics;
mod node;

use crate::service::ChainHandle;
use axum::Router;
use axum::routing::get;
use std::sync::Arc;

pub use error::ApiError;

/// What the API needs from the networking side, behind a trait so the API can be tested
/// with a fake network and the network crate stays free of HTTP.
pub trait NetworkInfo: Send + Sync + 'static {
    fn peer_id(&self) -> String;
    fn listen_addresses(&self) -> Vec<String>;
    fn peers(&self) -> Vec<PeerSummary>;
    /// Drops `peer` and refuses it until unblocked (partition experiments).
    fn block_peer(&self, peer: &str) -> Result<(), String>;
    fn unblock_peer(&self, peer: &str) -> Result<(), String>;
    fn blocked_peers(&self) -> Vec<String>;
    /// Counters only the network layer sees (for `/metrics`).
    fn wire_stats(&self) -> WireStats {
        WireStats::default()
    }
}

/// What the network refused on its own, before the chain judged anything.
#[derive(Debug, Clone, Default)]
pub struct WireStats {
    /// Per topic: gossip that was not snappy, too large, or not SSZ.
    pub undecodable: Vec<(String, u64)>,
    pub peers_banned: u64,
}

/// One connected peer as the API reports it.
#[derive(Debug, Clone, serde::Serialize)]
pub struct PeerSummary {
    pub peer_id: String,
    pub address: String,
    /// `inbound` or `outbound`.
    pub direction: String,
    pub score: f64,
}

/// Whether the node is still catching up (reported by `/eth/v1/node/syncing`).
pub trait SyncInfo: Send + Sync + 'static {
    fn is_syncing(&self) -> bool;
}

#[derive(Clone)]
pub struct ApiContext {
    pub chain: ChainHandle,
    pub network: Arc<dyn NetworkInfo>,
    pub sync: Arc<dyn SyncInfo>,
    pub metrics: Arc<metrics::Metrics>,
}

pub fn router(ctx: ApiContext) -> Router {
    Router::new()
        .route("/eth/v1/node/health", get(node::health))
        .route("/eth/v1/node/identity", get(node::identity))
        .route("/eth/v1/node/peers", get(node::peers))
        .route("/eth/v1/node/syncing", get(node::syncing))
        .route("/eth/v1/beacon/genesis", get(beacon::genesis))
        .route("/eth/v1/beacon/headers/{block_id}", get(beacon::header))
        .route("/eth/v2/beacon/blocks/{block_id}", get(beacon::block))
        .route(
            "/eth/v1/beacon/states/{state_id}/finality_checkpoints",
            get(beacon::finality_checkpoints),
        )
        .route("/eth/v1/debug/fork_choice", get(beacon::fork_choice))
        .route("/eth/v1/events", get(events::events))
        .route("/etn/v1/tickets", get(etn::tickets))
        .route("/etn/v1/lookahead", get(etn::lookahead))
        .route("/etn/v1/accounting", get(etn::accounting))
        .route("/etn/v1/summary", get(etn::summary))
        .route(
            "/etn/v1/admin/partition",
            get(etn::blocked).post(etn::partition),
        )
        .route("/metrics", get(metrics::scrape))
        .fallback(error::not_found)
        .with_state(ctx)
}

/// Serves the API on `listener` until `shutdown` resolves.
pub async fn serve(
    listener: tokio::net::TcpListener,
    ctx: ApiContext,
    shutdown: impl std::future::Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    axum::serve(listener, router(ctx))
        .with_graceful_shutdown(shutdown)
        .await
}
