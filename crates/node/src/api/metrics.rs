//! `/metrics` in the Prometheus text format, with the interop names dashboards know
//! (`beacon_head_slot`, `beacon_finalized_epoch`, `libp2p_peers`, ...) and `etn_*` ones
//! for the ticket market.
//!
//! Chain-derived gauges are refreshed at scrape time from the chain service (so they can
//! never drift from the chain); event counters are incremented by the node as it works.

use super::ApiContext;
use axum::extract::State;
use axum::http::{StatusCode, header};
use axum::response::IntoResponse;
use prometheus_client::encoding::EncodeLabelSet;
use prometheus_client::encoding::text::encode;
use prometheus_client::metrics::counter::Counter;
use prometheus_client::metrics::family::Family;
use prometheus_client::metrics::gauge::Gauge;
use prometheus_client::registry::Registry;
use std::sync::Mutex;

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
pub struct TopicVerdict {
    pub topic: String,
    pub verdict: String,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
pub struct TopicLabel {
    pub topic: String,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
pub struct BuilderLabel {
    pub builder: String,
}

pub struct Metrics {
    registry: Mutex<Registry>,
    head_slot: Gauge,
    finalized_epoch: Gauge,
    current_justified_epoch: Gauge,
    previous_justified_epoch: Gauge,
    peers: Gauge,
    tickets_sold: Gauge,
    burned_gwei: Gauge,
    smoothed_gwei: Gauge,
    execution_inflow_gwei: Gauge,
    missed_payloads: Gauge,
    delivered_payloads: Gauge,
    ticket_price_gwei: Gauge,
    builder_slots_won: Family<BuilderLabel, Gauge>,
    /// Gossip messages judged by the chain, by topic and verdict.
    pub gossip_messages: Family<TopicVerdict, Counter>,
    /// Gossip the network refused before the chain saw it (bad snappy, size, SSZ).
    gossip_undecodable: Family<TopicLabel, Gauge>,
    peers_banned: Gauge,
    /// Blocks imported (gossip, sync and own).
    pub blocks_imported: Counter,
    /// Blocks produced by this node's validators.
    pub blocks_proposed: Counter,
    /// Payloads published by this node's builders.
    pub payloads_published: Counter,
}

impl Default for Metrics {
    fn default() -> Self {
        Self::new()
    }
}

impl Metrics {
    pub fn new() -> Self {
        let m = Self {
            registry: Mutex::new(Registry::default()),
            head_slot: Gauge::default(),
            finalized_epoch: Gauge::default(),
            current_justified_epoch: Gauge::default(),
            previous_justified_epoch: Gauge::default(),
            peers: Gauge::default(),
            tickets_sold: Gauge::default(),
            burned_gwei: Gauge::default(),
            smoothed_gwei: Gauge::default(),
            execution_inflow_gwei: Gauge::default(),
            missed_payloads: Gauge::default(),
            delivered_payloads: Gauge::default(),
            ticket_price_gwei: Gauge::default(),
            builder_slots_won: Family::default(),
            gossip_messages: Family::default(),
            gossip_undecodable: Family::default(),
            peers_banned: Gauge::default(),
            blocks_imported: Counter::default(),
            blocks_proposed: Counter::default(),
            payloads_published: Counter::default(),
        };
        {
            let mut r = m.registry.lock().expect("fresh mutex");
            r.register(
                "beacon_head_slot",
                "Slot of the head block",
                m.head_slot.clone(),
            );
            r.register(
                "beacon_finalized_epoch",
                "Finalized epoch",
                m.finalized_epoch.clone(),
            );
            r.register(
                "beacon_current_justified_epoch",
                "Current justified epoch",
                m.current_justified_epoch.clone(),
            );
            r.register(
                "beacon_previous_justified_epoch",
                "Previous justified epoch",
                m.previous_justified_epoch.clone(),
            );
            r.register("libp2p_peers", "Connected peers", m.peers.clone());
            r.register(
                "etn_tickets_sold",
                "Tickets sold on the head chain",
                m.tickets_sold.clone(),
            );
            r.register(
                "etn_burned_gwei",
                "Gwei burned on the head chain",
                m.burned_gwei.clone(),
            );
            r.register(
                "etn_smoothed_gwei",
                "Gwei shared among validators on the head chain",
                m.smoothed_gwei.clone(),
            );
            r.register(
                "etn_execution_inflow_gwei",
                "Execution inflow credited on the head chain",
                m.execution_inflow_gwei.clone(),
            );
            r.register(
                "etn_missed_payloads",
                "Assigned slots whose payload never landed",
                m.missed_payloads.clone(),
            );
            r.register(
                "etn_delivered_payloads",
                "Assigned slots whose payload landed",
                m.delivered_payloads.clone(),
            );
            r.register(
                "etn_ticket_price_gwei",
                "Current ticket price",
                m.ticket_price_gwei.clone(),
            );
            r.register(
                "etn_builder_slots_won",
                "Slots assigned to each builder",
                m.builder_slots_won.clone(),
            );
            r.register(
                "etn_gossip_messages",
                "Gossip messages by topic and verdict",
                m.gossip_messages.clone(),
            );
            r.register(
                "etn_gossip_undecodable",
                "Gossip messages refused by the network layer (not snappy, too large, not SSZ)",
                m.gossip_undecodable.clone(),
            );
            r.register(
                "etn_peers_banned",
                "Peers banned for a graylisted gossip score",
                m.peers_banned.clone(),
            );
            r.register(
                "etn_blocks_imported",
                "Blocks imported",
                m.blocks_imported.clone(),
            );
            r.register(
                "etn_blocks_proposed",
                "Blocks proposed by local validators",
                m.blocks_proposed.clone(),
            );
            r.register(
                "etn_payloads_published",
                "Payloads published by local builders",
                m.payloads_published.clone(),
            );
        }
        m
    }

    pub fn record_gossip(&self, topic: &str, verdict: &str) {
        self.gossip_messages
            .get_or_create(&TopicVerdict {
                topic: topic.to_string(),
                verdict: verdict.to_string(),
            })
            .inc();
    }

    fn encode(&self) -> Result<String, std::fmt::Error> {
        let mut out = String::new();
        let registry = self.registry.lock().map_err(|_| std::fmt::Error)?;
        encode(&mut out, &registry)?;
        Ok(out)
    }
}

fn set(g: &Gauge, v: u64) {
    g.set(i64::try_from(v).unwrap_or(i64::MAX));
}

pub async fn scrape(State(ctx): State<ApiContext>) -> impl IntoResponse {
    let snapshot = ctx
        .chain
        .with_chain(|chain| {
            let head = chain.head();
            let finalized = chain.finalized();
            chain.head_state().map(|state| (head, finalized, state))
        })
        .await;
    let m = &ctx.metrics;
    if let Ok(Ok((head, finalized, state))) = snapshot {
        set(&m.head_slot, head.slot);
        set(&m.finalized_epoch, finalized.epoch);
        set(
            &m.current_justified_epoch,
            state.current_justified_checkpoint.epoch,
        );
        set(
            &m.previous_justified_epoch,
            state.previous_justified_checkpoint.epoch,
        );
        let a = &state.accounting;
        set(&m.tickets_sold, a.tickets_sold);
        set(&m.burned_gwei, a.total_burned);
        set(&m.smoothed_gwei, a.total_smoothed);
        set(&m.execution_inflow_gwei, a.total_execution_inflow);
        set(&m.missed_payloads, a.missed_payloads);
        set(&m.delivered_payloads, a.delivered_payloads);
        set(&m.ticket_price_gwei, state.ticket_price);
        for (i, b) in state.builders.iter().enumerate() {
            set(
                &m.builder_slots_won.get_or_create(&BuilderLabel {
                    builder: i.to_string(),
                }),
                b.slots_won,
            );
        }
    }
    set(&m.peers, ctx.network.peers().len() as u64);
    let wire = ctx.network.wire_stats();
    for (topic, count) in wire.undecodable {
        set(
            &m.gossip_undecodable.get_or_create(&TopicLabel { topic }),
            count,
        );
    }
    set(&m.peers_banned, wire.peers_banned);
    match m.encode() {
        Ok(text) => (
            StatusCode::OK,
            [(header::CONTENT_TYPE, "text/plain; version=0.0.4")],
            text,
        )
            .into_response(),
        Err(_) => StatusCode::INTERNAL_SERVER_ERROR.into_response(),
    }
}
