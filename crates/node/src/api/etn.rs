//! `/etn/v1/*`: the ticket market, the lookahead, the accounting, a per-node summary,
//! and partition control.

use super::json::data;
use super::{ApiContext, ApiError};
use axum::Json;
use axum::extract::State;
use etn_state::accessors::get_builder_assignment;
use etn_state::{accounting_sides, process_slots};
use etn_types::*;
use serde_json::{Value, json};

/// The head state advanced to the clock's slot (so rounds and the lookahead are current).
async fn current_state(ctx: &ApiContext) -> Result<BeaconState, ApiError> {
    ctx.chain
        .with_chain(|chain| -> Result<BeaconState, ApiError> {
            let mut state = chain.head_state()?;
            let slot = chain.current_slot();
            if state.slot < slot {
                process_slots(&mut state, slot).map_err(|e| ApiError::internal(e.to_string()))?;
            }
            Ok(state)
        })
        .await?
}

fn status_name(status: u8) -> &'static str {
    match status {
        payload_status::PENDING => "pending",
        payload_status::DELIVERED => "delivered",
        payload_status::MISSED => "missed",
        _ => "unassigned",
    }
}

pub async fn tickets(State(ctx): State<ApiContext>) -> Result<Json<Value>, ApiError> {
    let state = current_state(&ctx).await?;
    let mechanism = state
        .config
        .mechanism()
        .map_err(|e| ApiError::internal(e.to_string()))?;
    let mut rounds: Vec<&TicketRound> = state
        .ticket_rounds
        .iter()
        .filter(|r| !r.bids.is_empty())
        .collect();
    rounds.sort_by_key(|r| r.slot);
    let rounds: Vec<Value> = rounds
        .into_iter()
        .map(|r| {
            json!({
                "slot": r.slot.to_string(),
                "bids": r.bids.iter().map(|b| json!({
                    "builder_index": b.builder_index.to_string(),
                    "tickets": b.tickets.to_string(),
                    "paid": b.paid.to_string(),
                })).collect::<Vec<_>>(),
            })
        })
        .collect();
    let builders: Vec<Value> = state
        .builders
        .iter()
        .enumerate()
        .map(|(i, b)| {
            json!({
                "index": i.to_string(),
                "balance": b.balance.to_string(),
                "nonce": b.nonce.to_string(),
                "pool_tickets": b.pool_tickets.to_string(),
                "pool_paid": b.pool_paid.to_string(),
                "slots_won": b.slots_won.to_string(),
            })
        })
        .collect();
    Ok(Json(data(json!({
        "slot": state.slot.to_string(),
        "lifetime": mechanism.lifetime.name(),
        "allocation": mechanism.allocation.to_string(),
        "payment": mechanism.payment.name(),
        "ticket_price": state.ticket_price.to_string(),
        "rounds": rounds,
        "builders": builders,
    }))))
}

pub async fn lookahead(State(ctx): State<ApiContext>) -> Result<Json<Value>, ApiError> {
    let state = current_state(&ctx).await?;
    let slots: Vec<Value> = (state.slot..=state.slot + state.config.ticket_lookahead)
        .map(|slot| match get_builder_assignment(&state, slot) {
            Some(a) => json!({
                "slot": slot.to_string(),
                "builder_index": (a.builder_index != NO_BUILDER).then(|| a.builder_index.to_string()),
                "payload_status": status_name(a.payload_status),
                "revenue": a.revenue.to_string(),
            }),
            None => json!({ "slot": slot.to_string(), "builder_index": null, "payload_status": "undecided" }),
        })
        .collect();
    Ok(Json(data(json!(slots))))
}

pub async fn accounting(State(ctx): State<ApiContext>) -> Result<Json<Value>, ApiError> {
    let state = ctx.chain.with_chain(|chain| chain.head_state()).await??;
    Ok(Json(data(accounting_json(&state))))
}

pub fn accounting_json(state: &BeaconState) -> Value {
    let a = &state.accounting;
    let sides = accounting_sides(state);
    let history: Vec<Value> = (state.slot.saturating_sub(SLOTS_PER_HISTORICAL_ROOT as u64 - 1)..=state.slot)
        .map(|slot| {
            json!({
                "slot": slot.to_string(),
                "revenue": state.slot_revenue[(slot % SLOTS_PER_HISTORICAL_ROOT as u64) as usize].to_string(),
            })
        })
        .collect();
    let assignments: Vec<Value> = (state.slot.saturating_sub(ASSIGNMENT_HISTORY as u64 - 1)
        ..=state.slot)
        .filter_map(|slot| get_builder_assignment(state, slot))
        .filter(|a| a.builder_index != NO_BUILDER)
        .map(|a| {
            json!({
                "slot": a.slot.to_string(),
                "builder_index": a.builder_index.to_string(),
                "revenue": a.revenue.to_string(),
                "payload_status": status_name(a.payload_status),
                "inflow": a.inflow.to_string(),
            })
        })
        .collect();
    json!({
        "slot": state.slot.to_string(),
        "genesis_supply": a.genesis_supply.to_string(),
        "total_burned": a.total_burned.to_string(),
        "total_execution_inflow": a.total_execution_inflow.to_string(),
        "total_sell_back_paid": a.total_sell_back_paid.to_string(),
        "total_refunded": a.total_refunded.to_string(),
        "smoothing_pool": a.smoothing_pool.to_string(),
        "total_smoothed": a.total_smoothed.to_string(),
        "tickets_sold": a.tickets_sold.to_string(),
        "delivered_payloads": a.delivered_payloads.to_string(),
        "missed_payloads": a.missed_payloads.to_string(),
        "escrow": sides.escrow.to_string(),
        "identity": {
            "held": sides.held.to_string(),
            "issued": sides.issued.to_string(),
            "holds": sides.holds(),
        },
        "revenue_history": history,
        "assignments": assignments,
    })
}

/// One JSON object with everything `etn devnet` shows and summarises for this node.
pub async fn summary(State(ctx): State<ApiContext>) -> Result<Json<Value>, ApiError> {
    let (status_json, state) = ctx
        .chain
        .with_chain(|chain| -> Result<(Value, BeaconState), ApiError> {
            let head = chain.head();
            let finalized = chain.finalized();
            let justified = chain.justified();
            let current = chain.current_slot();
            let state = chain.head_state()?;
            let genesis_time = chain.genesis_state().genesis_time;
            Ok((
                json!({
                    "genesis_time": genesis_time,
                    "current_slot": current,
                    "head_slot": head.slot,
                    "head_root": head.root.to_string(),
                    "justified_epoch": justified.epoch,
                    "finalized_epoch": finalized.epoch,
                    "finalized_root": finalized.root.to_string(),
                }),
                state,
            ))
        })
        .await??;
    let mut value = status_json;
    let wins: serde_json::Map<String, Value> = state
        .builders
        .iter()
        .enumerate()
        .map(|(i, b)| (i.to_string(), json!(b.slots_won)))
        .collect();
    let sides = accounting_sides(&state);
    let extra = json!({
        "peer_id": ctx.network.peer_id(),
        "peers": ctx.network.peers().len(),
        "is_syncing": ctx.sync.is_syncing(),
        "burned_gwei": state.accounting.total_burned,
        "smoothed_gwei": state.accounting.total_smoothed,
        "execution_inflow_gwei": state.accounting.total_execution_inflow,
        "tickets_sold": state.accounting.tickets_sold,
        "delivered_payloads": state.accounting.delivered_payloads,
        "missed_payloads": state.accounting.missed_payloads,
        "ticket_price": state.ticket_price,
        "builder_wins": wins,
        "accounting_identity_holds": sides.holds(),
    });
    if let (Some(v), Some(e)) = (value.as_object_mut(), extra.as_object()) {
        v.extend(e.clone());
    }
    Ok(Json(value))
}

#[derive(serde::Deserialize)]
pub struct PartitionRequest {
    #[serde(default)]
    block: Vec<String>,
    #[serde(default)]
    unblock: Vec<String>,
}

pub async fn blocked(State(ctx): State<ApiContext>) -> Json<Value> {
    Json(data(json!({ "blocked": ctx.network.blocked_peers() })))
}

/// `{"block": [peer ids], "unblock": [peer ids]}`: splits or heals a devnet.
pub async fn partition(
    State(ctx): State<ApiContext>,
    payload: Result<Json<PartitionRequest>, axum::extract::rejection::JsonRejection>,
) -> Result<Json<Value>, ApiError> {
    let Json(request) = payload.map_err(|e| ApiError::bad_request(e.body_text()))?;
    for peer in &request.block {
        ctx.network
            .block_peer(peer)
            .map_err(ApiError::bad_request)?;
    }
    for peer in &request.unblock {
        ctx.network
            .unblock_peer(peer)
            .map_err(ApiError::bad_request)?;
    }
    Ok(Json(data(
        json!({ "blocked": ctx.network.blocked_peers() }),
    )))
}
