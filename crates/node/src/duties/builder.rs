//! Builder duties: agents that buy tickets every slot by their strategy, learn from the
//! rounds they observe, and publish the payload of every slot they are assigned (unless
//! configured absent, to test missed payloads).
//!
//! A player may bid through several builder identities (a Sybil split): its strategy
//! decides the total, [`split_tickets`] spreads it.

use super::Broadcast;
use crate::service::{ChainHandle, ServiceStopped};
use etn_crypto::SecretKey;
use etn_mechanism::agents::{RoundOutcome, RoundView, Strategy, split_tickets};
use etn_mechanism::analysis::{Payment, Rule};
use etn_mechanism::consensus::payment::round_charges;
use etn_state::accessors::{get_assigned_builder, get_builder_assignment};
use etn_state::produce::{sign_buy_tickets, sign_execution_payload};
use etn_types::*;
use std::collections::{BTreeMap, HashMap};

/// One bidding player run by this node.
pub struct Player {
    /// Position among all players of the devnet (index into `values`).
    pub index: usize,
    /// Builder indices it bids through.
    pub identities: Vec<u64>,
    /// Its value for a slot, in value units (also the payload value it realises).
    pub value: f64,
    pub strategy: Box<dyn Strategy>,
    /// Wins slots but never publishes their payloads.
    pub absent: bool,
}

/// The builder side of a node.
pub struct Builders {
    players: Vec<Player>,
    /// Every player's value (complete information, as in the article's model).
    values: Vec<f64>,
    /// Gwei per value unit.
    value_unit_gwei: u64,
    keys: HashMap<u64, SecretKey>,
    /// Next nonce to use per identity (ahead of the chain while purchases are in flight).
    nonces: HashMap<u64, u64>,
    /// Bids seen in rounds that are about to close, by target slot, for learning.
    closing: BTreeMap<Slot, Vec<TicketBid>>,
    /// Which player owns each builder identity (all players, not only local ones).
    owner: HashMap<u64, usize>,
}

impl Builders {
    /// `owners[i]` is the player of builder identity `i` across the whole devnet.
    pub fn new(
        players: Vec<Player>,
        values: Vec<f64>,
        owners: &[usize],
        value_unit_gwei: u64,
    ) -> Self {
        let keys = players
            .iter()
            .flat_map(|p| p.identities.iter())
            .map(|i| (*i, etn_crypto::devnet_builder_secret_key(*i)))
            .collect();
        Self {
            players,
            values,
            value_unit_gwei: value_unit_gwei.max(1),
            keys,
            nonces: HashMap::new(),
            closing: BTreeMap::new(),
            owner: owners
                .iter()
                .enumerate()
                .map(|(i, p)| (i as u64, *p))
                .collect(),
        }
    }

    pub fn is_empty(&self) -> bool {
        self.players.is_empty()
    }

    /// Half way into `slot`: learn from rounds that closed, then bid for the round that
    /// just opened (the latest one a purchase included in the next block may target).
    pub async fn bid(
        &mut self,
        chain: &ChainHandle,
        slot: Slot,
        out: &dyn Broadcast,
    ) -> Result<(), ServiceStopped> {
        let state = match chain.with_chain(move |c| c.state_at(slot)).await? {
            Ok(state) => state,
            Err(e) => {
                tracing::warn!(slot, "builders have no state: {e}");
                return Ok(());
            }
        };
        let Ok(mechanism) = state.config.mechanism() else {
            return Ok(());
        };
        self.learn(&state, &mechanism);
        let config = &state.config;
        // The round closing in the next block: remember its bids to learn from its outcome.
        let closing = slot + config.ticket_lookahead + 1;
        let round = &state.ticket_rounds[(closing % TICKET_ROUND_SLOTS as u64) as usize];
        if round.slot == closing {
            self.closing.insert(closing, round.bids.to_vec());
        }
        let target = match mechanism.lifetime {
            TicketLifetime::Round => slot + config.ticket_lookahead + config.round_window,
            TicketLifetime::Pool => slot + config.round_window,
        };
        let price = state.ticket_price.max(1);
        let tickets_per_unit = self.value_unit_gwei as f64 / price as f64;
        let rule = Rule::from(mechanism.allocation);
        let payment = Payment::from(mechanism.payment);
        let mut ops = Vec::new();
        for player in &mut self.players {
            let balance: u64 = player
                .identities
                .iter()
                .filter_map(|i| state.builders.get(*i as usize))
                .map(|b| b.balance)
                .sum();
            let view = RoundView {
                slot: target,
                player: player.index,
                players: self.values.len(),
                value: player.value,
                values: Some(&self.values),
                identities: player.identities.len(),
                rule,
                payment,
                tickets_per_unit,
                max_tickets: balance / price,
            };
            let total = player.strategy.bid(&view);
            for (identity, tickets) in player
                .identities
                .iter()
                .zip(split_tickets(total, player.identities.len()))
            {
                if tickets == 0 {
                    continue;
                }
                let chain_nonce = state
                    .builders
                    .get(*identity as usize)
                    .map(|b| b.nonce)
                    .unwrap_or(0);
                let nonce = self
                    .nonces
                    .get(identity)
                    .copied()
                    .unwrap_or(0)
                    .max(chain_nonce);
                let message = BuyTickets {
                    builder_index: *identity,
                    nonce,
                    target_slot: target,
                    tickets,
                    // Tolerate one slot of EIP-1559 movement.
                    max_price: price.saturating_add(price / 4 + 1),
                    rounds: 1,
                };
                let Some(key) = self.keys.get(identity) else {
                    continue;
                };
                match sign_buy_tickets(&state, message, slot + 1, key) {
                    Ok(op) => {
                        self.nonces.insert(*identity, nonce + 1);
                        ops.push(op);
                    }
                    Err(e) => tracing::warn!("cannot sign a purchase: {e}"),
                }
            }
        }
        for op in ops {
            out.purchase(&op);
            chain.purchase(op).await?;
        }
        Ok(())
    }

    /// Feeds every closed round we saw the bids of to the players' strategies.
    fn learn(&mut self, state: &BeaconState, mechanism: &Mechanism) {
        let closed: Vec<Slot> = self
            .closing
            .range(..=state.slot + state.config.ticket_lookahead)
            .map(|(s, _)| *s)
            .collect();
        for target in closed {
            let Some(bids) = self.closing.remove(&target) else {
                continue;
            };
            let Some(assignment) = get_builder_assignment(state, target) else {
                continue;
            };
            let winner_pos = bids
                .iter()
                .position(|b| b.builder_index == assignment.builder_index);
            let charges = round_charges(mechanism.allocation, mechanism.payment, &bids, winner_pos)
                .unwrap_or_default();
            let players = self.values.len();
            let mut player_bids = vec![0.0; players];
            let mut player_paid = vec![0.0; players];
            for (bid, charge) in bids.iter().zip(charges.iter().chain(std::iter::repeat(&0))) {
                if let Some(p) = self.owner.get(&bid.builder_index).filter(|p| **p < players) {
                    player_bids[*p] += bid.paid as f64 / self.value_unit_gwei as f64;
                    player_paid[*p] += *charge as f64 / self.value_unit_gwei as f64;
                }
            }
            let winner = winner_pos.and_then(|w| self.owner.get(&bids[w].builder_index).copied());
            for player in &mut self.players {
                player.strategy.observe(&RoundOutcome {
                    slot: target,
                    player: player.index,
                    bids: &player_bids,
                    winner,
                    value: player.value,
                    paid: player_paid.get(player.index).copied().unwrap_or(0.0),
                    rule: Rule::from(mechanism.allocation),
                    payment: Payment::from(mechanism.payment),
                });
            }
        }
    }

    /// Three quarters into `slot`: publish the payload of slot + 1 if a local identity is
    /// assigned to it (and its player is not configured absent).
    pub async fn deliver(
        &mut self,
        chain: &ChainHandle,
        slot: Slot,
        out: &dyn Broadcast,
    ) -> Result<bool, ServiceStopped> {
        let next = slot + 1;
        let state = match chain.with_chain(move |c| c.state_at(next)).await? {
            Ok(state) => state,
            Err(_) => return Ok(false),
        };
        let Some(builder) = get_assigned_builder(&state, next) else {
            return Ok(false);
        };
        let Some(player) = self
            .players
            .iter()
            .find(|p| p.identities.contains(&builder))
        else {
            return Ok(false);
        };
        if player.absent {
            tracing::info!(
                slot = next,
                builder,
                "assigned builder stays silent (configured absent)"
            );
            return Ok(false);
        }
        let value = ((player.value * self.value_unit_gwei as f64).round() as u64)
            .min(state.config.max_execution_inflow_per_slot);
        let transactions = (0..2u8)
            .map(|i| {
                vec![i, (next % 256) as u8, (builder % 256) as u8]
                    .try_into()
                    .unwrap_or_default()
            })
            .collect::<Vec<_>>()
            .try_into()
            .unwrap_or_default();
        let message = ExecutionPayload {
            slot: next,
            builder_index: builder,
            value,
            transactions,
        };
        let Some(key) = self.keys.get(&builder) else {
            return Ok(false);
        };
        match sign_execution_payload(&state, message, key) {
            Ok(payload) => {
                out.payload(&payload);
                chain.payload(payload).await?;
                Ok(true)
            }
            Err(e) => {
                tracing::warn!("cannot sign a payload: {e}");
                Ok(false)
            }
        }
    }
}
