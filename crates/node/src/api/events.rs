//! `/eth/v1/events`: server-sent events for `head`, `block` and `finalized_checkpoint`.

use super::{ApiContext, ApiError};
use crate::service::ChainEvent;
use axum::extract::{Query, State};
use axum::response::sse::{Event, KeepAlive, Sse};
use futures::Stream;
use serde_json::json;
use std::convert::Infallible;

#[derive(serde::Deserialize)]
pub struct Topics {
    topics: Option<String>,
}

const KNOWN: [&str; 3] = ["head", "block", "finalized_checkpoint"];

pub async fn events(
    State(ctx): State<ApiContext>,
    Query(query): Query<Topics>,
) -> Result<Sse<impl Stream<Item = Result<Event, Infallible>>>, ApiError> {
    let wanted: Vec<String> = query
        .topics
        .ok_or_else(|| ApiError::bad_request("missing `topics` query parameter"))?
        .split(',')
        .map(|t| t.trim().to_string())
        .collect();
    if let Some(bad) = wanted.iter().find(|t| !KNOWN.contains(&t.as_str())) {
        return Err(ApiError::bad_request(format!(
            "unknown event topic `{bad}` (known: {})",
            KNOWN.join(", ")
        )));
    }
    let slots_per_epoch = ctx
        .chain
        .with_chain(|chain| chain.genesis_state().config.slots_per_epoch)
        .await?;
    let receiver = ctx.chain.subscribe();
    let stream = futures::stream::unfold(receiver, move |mut receiver| {
        let wanted = wanted.clone();
        async move {
            loop {
                match receiver.recv().await {
                    Ok(event) => {
                        if let Some(e) = to_sse(&event, &wanted, slots_per_epoch) {
                            return Some((Ok(e), receiver));
                        }
                    }
                    Err(tokio::sync::broadcast::error::RecvError::Lagged(_)) => continue,
                    Err(tokio::sync::broadcast::error::RecvError::Closed) => return None,
                }
            }
        }
    });
    Ok(Sse::new(stream).keep_alive(KeepAlive::default()))
}

fn to_sse(event: &ChainEvent, wanted: &[String], slots_per_epoch: u64) -> Option<Event> {
    let (name, payload) = match event {
        ChainEvent::Head { slot, root, .. } => (
            "head",
            json!({
                "slot": slot.to_string(),
                "block": root.to_string(),
                "epoch_transition": slot % slots_per_epoch.max(1) == 0,
                "execution_optimistic": false,
            }),
        ),
        ChainEvent::Block { slot, root } => (
            "block",
            json!({ "slot": slot.to_string(), "block": root.to_string(), "execution_optimistic": false }),
        ),
        ChainEvent::Finalized(cp) => (
            "finalized_checkpoint",
            json!({ "block": cp.root.to_string(), "epoch": cp.epoch.to_string(), "execution_optimistic": false }),
        ),
        ChainEvent::Justified(_) => return None,
    };
    wanted
        .iter()
        .any(|w| w == name)
        .then(|| Event::default().event(name).data(payload.to_string()))
}
