//! `/eth/v1/beacon/*`, `/eth/v2/beacon/blocks` and `/eth/v1/debug/fork_choice`.

use super::json::{beacon_json, data};
use super::{ApiContext, ApiError};
use crate::chain::query::BlockId;
use axum::Json;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, header};
use axum::response::{IntoResponse, Response};
use etn_types::ssz::{encode, hash_tree_root};
use etn_types::*;
use serde_json::{Value, json};

fn parse_id(id: &str) -> Result<BlockId, ApiError> {
    id.parse().map_err(ApiError::bad_request)
}

pub async fn genesis(State(ctx): State<ApiContext>) -> Result<Json<Value>, ApiError> {
    let value = ctx
        .chain
        .with_chain(|chain| {
            let g = chain.genesis_state();
            json!({
                "genesis_time": g.genesis_time.to_string(),
                "genesis_validators_root": g.genesis_validators_root.to_string(),
                "genesis_fork_version": g.fork.current_version.to_string(),
            })
        })
        .await?;
    Ok(Json(data(value)))
}

/// The block an id names, with whether it is canonical and finalized.
async fn lookup(
    ctx: &ApiContext,
    id: BlockId,
) -> Result<(Root, SignedBeaconBlock, bool, bool), ApiError> {
    ctx.chain
        .with_chain(move |chain| -> Result<_, ApiError> {
            let root = chain
                .resolve_block(id)?
                .ok_or_else(|| ApiError::not_found("block not found"))?;
            let block = chain
                .block(&root)?
                .ok_or_else(|| ApiError::not_found("block not found"))?;
            let canonical = chain.resolve_block(BlockId::Slot(block.message.slot))? == Some(root);
            let finalized_slot = chain
                .finalized()
                .epoch
                .saturating_mul(chain.genesis_state().config.slots_per_epoch);
            let finalized = canonical && block.message.slot <= finalized_slot;
            Ok((root, block, canonical, finalized))
        })
        .await?
}

pub async fn header(
    State(ctx): State<ApiContext>,
    Path(id): Path<String>,
) -> Result<Json<Value>, ApiError> {
    let (root, block, canonical, _) = lookup(&ctx, parse_id(&id)?).await?;
    let m = &block.message;
    let body_root = hash_tree_root(&m.body).map_err(|e| ApiError::internal(e.to_string()))?;
    Ok(Json(data(json!({
        "root": root.to_string(),
        "canonical": canonical,
        "header": {
            "message": {
                "slot": m.slot.to_string(),
                "proposer_index": m.proposer_index.to_string(),
                "parent_root": m.parent_root.to_string(),
                "state_root": m.state_root.to_string(),
                "body_root": body_root.to_string(),
            },
            "signature": block.signature.to_string(),
        }
    }))))
}

/// JSON by default; SSZ bytes when the client asks for `application/octet-stream`.
pub async fn block(
    State(ctx): State<ApiContext>,
    Path(id): Path<String>,
    headers: HeaderMap,
) -> Result<Response, ApiError> {
    let (_, block, _, finalized) = lookup(&ctx, parse_id(&id)?).await?;
    let wants_ssz = headers
        .get(header::ACCEPT)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.contains("application/octet-stream"));
    if wants_ssz {
        let bytes = encode(&block).map_err(|e| ApiError::internal(e.to_string()))?;
        return Ok(([(header::CONTENT_TYPE, "application/octet-stream")], bytes).into_response());
    }
    Ok(Json(json!({
        "version": "etn",
        "execution_optimistic": false,
        "finalized": finalized,
        "data": beacon_json(&block),
    }))
    .into_response())
}

fn checkpoint_json(cp: &Checkpoint) -> Value {
    json!({ "epoch": cp.epoch.to_string(), "root": cp.root.to_string() })
}

pub async fn finality_checkpoints(
    State(ctx): State<ApiContext>,
    Path(id): Path<String>,
) -> Result<Json<Value>, ApiError> {
    let id = parse_id(&id)?;
    let state = ctx
        .chain
        .with_chain(move |chain| chain.resolve_state(id))
        .await??
        .ok_or_else(|| ApiError::not_found("state not found"))?;
    Ok(Json(json!({
        "execution_optimistic": false,
        "finalized": false,
        "data": {
            "previous_justified": checkpoint_json(&state.previous_justified_checkpoint),
            "current_justified": checkpoint_json(&state.current_justified_checkpoint),
            "finalized": checkpoint_json(&state.finalized_checkpoint),
        }
    })))
}

pub async fn fork_choice(State(ctx): State<ApiContext>) -> Result<Json<Value>, ApiError> {
    let value = ctx
        .chain
        .with_chain(|chain| {
            let nodes: Vec<Value> = chain
                .fork_choice_nodes()
                .iter()
                .map(|n| {
                    json!({
                        "slot": n.slot.to_string(),
                        "block_root": n.root.to_string(),
                        "parent_root": n.parent_root.map(|r| r.to_string()),
                        "justified_epoch": n.justified.epoch.to_string(),
                        "finalized_epoch": n.finalized.epoch.to_string(),
                        "weight": n.weight.to_string(),
                        "validity": "valid",
                        "execution_block_hash": Root::ZERO.to_string(),
                        "extra_data": {
                            "unrealized_justified_epoch": n.unrealized_justified.epoch.to_string(),
                            "unrealized_finalized_epoch": n.unrealized_finalized.epoch.to_string(),
                            "best_child": n.best_child.map(|r| r.to_string()),
                            "best_descendant": n.best_descendant.map(|r| r.to_string()),
                        }
                    })
                })
                .collect();
            json!({
                "justified_checkpoint": checkpoint_json(&chain.justified()),
                "finalized_checkpoint": checkpoint_json(&chain.finalized()),
                "fork_choice_nodes": nodes,
            })
        })
        .await?;
    Ok(Json(value))
}
