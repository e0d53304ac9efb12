//! `/eth/v1/node/*`: health, identity, peers, sync status.

use super::json::data;
use super::{ApiContext, ApiError};
use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use serde_json::{Value, json};

/// 200 when synced, 206 while syncing, 503 if the chain service is gone.
pub async fn health(State(ctx): State<ApiContext>) -> StatusCode {
    match ctx.chain.status().await {
        Err(_) => StatusCode::SERVICE_UNAVAILABLE,
        Ok(_) if ctx.sync.is_syncing() => StatusCode::PARTIAL_CONTENT,
        Ok(_) => StatusCode::OK,
    }
}

pub async fn identity(State(ctx): State<ApiContext>) -> Json<Value> {
    Json(data(json!({
        "peer_id": ctx.network.peer_id(),
        "enr": "",
        "p2p_addresses": ctx.network.listen_addresses(),
        "discovery_addresses": [],
        "metadata": { "seq_number": "0", "attnets": "0x0000000000000000" },
    })))
}

pub async fn peers(State(ctx): State<ApiContext>) -> Json<Value> {
    let peers = ctx.network.peers();
    let count = peers.len();
    let list: Vec<Value> = peers
        .into_iter()
        .map(|p| {
            json!({
                "peer_id": p.peer_id,
                "enr": null,
                "last_seen_p2p_address": p.address,
                "state": "connected",
                "direction": p.direction,
                "score": p.score,
            })
        })
        .collect();
    Json(json!({ "data": list, "meta": { "count": count.to_string() } }))
}

pub async fn syncing(State(ctx): State<ApiContext>) -> Result<Json<Value>, ApiError> {
    let status = ctx.chain.status().await?;
    let distance = status.current_slot.saturating_sub(status.head.slot);
    Ok(Json(data(json!({
        "head_slot": status.head.slot.to_string(),
        "sync_distance": distance.to_string(),
        "is_syncing": ctx.sync.is_syncing(),
        "is_optimistic": false,
        "el_offline": false,
    }))))
}
