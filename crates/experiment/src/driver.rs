//! The experiment loop: players bid for each round through the chain, the chain runs,
//! and everything the chain recorded is collected per round.
//!
//! Timing follows the round lifetime. The round for slot t closes in the block of
//! t - lookahead, and purchases for t are valid from block t - lookahead - round_window
//! to block t - lookahead - 1. Players bid at the last moment, in block t - lookahead - 1,
//! so the measured rounds are t = lookahead + 2 ... lookahead + 1 + slots, and the chain
//! runs until the last of them has been built (its payload landed), which leaves no
//! purchase unsettled. A round is observed by the players when it closes; the bids for
//! the next round are by then already placed, so learners react with one round of delay.

use crate::chain::{BuyOrder, ChainError, ExperimentChain};
use crate::file::Experiment;
use etn_mechanism::agents::{RoundOutcome, RoundView, SplitMix64, Strategy, split_tickets};
use etn_types::*;
use std::time::{Duration, Instant};

/// What the chain recorded for one measured round (slot), per player.
#[derive(Debug, Clone, PartialEq)]
pub struct RoundRecord {
    pub slot: Slot,
    /// Every player's value for the slot (value units).
    pub values: Vec<f64>,
    /// Tickets each player held in the round (its identities summed), read from chain.
    pub tickets: Vec<u64>,
    /// Tickets each builder identity held, by builder index.
    pub identity_tickets: Vec<u64>,
    /// What each player paid into the round (Gwei).
    pub paid: Vec<Gwei>,
    /// What each player was charged when it closed (Gwei); the rest was refunded.
    pub charged: Vec<Gwei>,
    /// The player whose identity won.
    pub winner: Option<usize>,
    /// Total charged: burned or smoothed (Gwei).
    pub revenue: Gwei,
    /// Whether the slot's payload landed, and the inflow it credited to the winner.
    pub delivered: bool,
    pub inflow: Gwei,
}

/// A finished run.
#[derive(Debug, Clone)]
pub struct Run {
    pub rounds: Vec<RoundRecord>,
    /// Strategy descriptions, per player.
    pub strategies: Vec<String>,
    pub mode: &'static str,
    pub bls: bool,
    /// Blocks the chain built (measured rounds plus the lead-in).
    pub blocks: u64,
    pub elapsed: Duration,
    pub accounting: crate::chain::AccountingSnapshot,
    /// Builder balances at genesis and at the end, by builder index.
    pub initial_balances: Vec<Gwei>,
    pub final_balances: Vec<Gwei>,
    /// Whether every purchase of the run was made for, and settled in, a measured round,
    /// so that each balance change must equal the player's inflow minus its charges.
    /// True in fast mode; a devnet bids before and after the measured rounds too.
    pub settled: bool,
    /// What the report should say about how this run differs from a plain fast run.
    pub notes: Vec<String>,
}

/// A stream of independent seeds from one experiment seed (SplitMix64's finaliser).
pub fn derive_seed(seed: u64, stream: u64) -> u64 {
    SplitMix64::new(seed ^ stream.wrapping_mul(0xd1b5_4a32_d192_ed03)).next_u64()
}

/// Runs `experiment` on `chain` (which must be at genesis, with the experiment's
/// builders), calling `progress(done, total)` after every block.
pub fn run(
    experiment: &Experiment,
    chain: &mut dyn ExperimentChain,
    progress: &mut dyn FnMut(u64, u64),
) -> Result<Run, ChainError> {
    let started = Instant::now();
    let config = chain.config().clone();
    let lookahead = config.ticket_lookahead;
    let order_rounds = experiment.order_rounds.max(1);
    let first = lookahead + 2;
    let last = first + experiment.slots - 1;
    let unit = experiment.value_unit_gwei as f64;
    let rule = experiment.rule();
    let payment = experiment.payment();
    let owners = experiment.owners();
    let players = experiment.players.len();
    let mut first_identity = Vec::with_capacity(players);
    for (b, &p) in owners.iter().enumerate() {
        if first_identity.len() == p {
            first_identity.push(b);
        }
    }

    let mut strategies: Vec<Box<dyn Strategy>> = experiment
        .players
        .iter()
        .enumerate()
        .map(|(i, p)| {
            p.strategy
                .build(
                    derive_seed(experiment.seed, 1_000 + i as u64),
                    experiment.slots,
                )
                .map_err(|e| ChainError::Other(e.to_string()))
        })
        .collect::<Result<_, _>>()?;
    let descriptions = strategies.iter().map(|s| s.describe()).collect();
    let mut value_rngs: Vec<SplitMix64> = (0..players)
        .map(|i| SplitMix64::new(derive_seed(experiment.seed, i as u64)))
        .collect();

    let mut rounds: Vec<RoundRecord> = Vec::with_capacity(experiment.slots as usize);
    let mut initial_balances = None;
    let mut observed_bids = vec![0.0; players];
    let mut blocks = 0;
    loop {
        let open = chain.open_slot()?;
        let slot = open.slot;
        if initial_balances.is_none() {
            initial_balances = Some(open.balances.clone());
        }
        let target = slot + lookahead + 1;
        let mut orders = Vec::new();
        // Bids are decided for `order_rounds` rounds at a time (one, unless standing
        // orders are asked for), in round order, so the draws match one-by-one bidding.
        if (first..=last).contains(&target) && (target - first).is_multiple_of(order_rounds) {
            let batch = target..=(target + order_rounds - 1).min(last);
            let batch_len = batch.clone().count() as u64;
            let mut planned: Vec<Vec<u64>> = vec![Vec::new(); owners.len()];
            let price = open.ticket_price.max(1);
            for round_target in batch {
                let values: Vec<f64> = value_rngs
                    .iter_mut()
                    .zip(&experiment.players)
                    .map(|(rng, p)| p.value.draw(rng))
                    .collect();
                for (i, (strategy, player)) in
                    strategies.iter_mut().zip(&experiment.players).enumerate()
                {
                    let ids = first_identity[i]..first_identity[i] + player.identities;
                    // Each identity pays its own share, for every round of the batch at
                    // once: the player can afford what its poorest identity can, times
                    // its identities.
                    let max_tickets = ids
                        .clone()
                        .map(|b| open.balances[b] / price / batch_len)
                        .min()
                        .unwrap_or(0)
                        .saturating_mul(player.identities as u64);
                    let view = RoundView {
                        slot: round_target,
                        player: i,
                        players,
                        value: values[i],
                        values: player
                            .strategy
                            .complete_information()
                            .then_some(&values[..]),
                        identities: player.identities,
                        rule,
                        payment,
                        tickets_per_unit: unit / price as f64,
                        max_tickets,
                    };
                    let total = strategy.bid(&view);
                    for (b, tickets) in ids.zip(split_tickets(total, player.identities)) {
                        planned[b].push(tickets);
                    }
                }
                rounds.push(RoundRecord {
                    slot: round_target,
                    values,
                    tickets: vec![0; players],
                    identity_tickets: vec![0; owners.len()],
                    paid: vec![0; players],
                    charged: vec![0; players],
                    winner: None,
                    revenue: 0,
                    delivered: false,
                    inflow: 0,
                });
            }
            for (builder, tickets) in planned.iter().enumerate() {
                orders.extend(standing_orders(builder as u64, target, tickets));
            }
        }

        let measured = |s: Slot| (first..=last).contains(&s).then(|| (s - first) as usize);
        let payload_value = open.assigned.map(|b| {
            let value = measured(slot)
                .and_then(|r| rounds.get(r))
                .map_or(0.0, |r| r.values[owners[b as usize]]);
            ((value * unit).round() as Gwei).min(config.max_execution_inflow_per_slot)
        });
        let record = chain.close_slot(&orders, payload_value)?;
        blocks += 1;

        if let Some(r) = measured(slot) {
            rounds[r].delivered = record.payload_delivered;
            rounds[r].inflow = record.inflow;
        }
        let closed = &record.closed;
        if let Some(r) = measured(closed.target_slot) {
            let round = &mut rounds[r];
            for bid in &closed.bids {
                let p = owners[bid.builder_index as usize];
                round.tickets[p] += bid.tickets;
                round.identity_tickets[bid.builder_index as usize] = bid.tickets;
                round.paid[p] += bid.paid;
            }
            round.revenue = closed.revenue;
            round.winner = closed.winner.map(|b| owners[b as usize]);
            // Losers pay everything under all-pay and nothing under winner-pay; the winner
            // pays whatever else the round charged (its bid, or the second price).
            let mut losers = 0;
            for bid in &closed.bids {
                if Some(bid.builder_index) != closed.winner
                    && payment == etn_mechanism::analysis::Payment::AllPay
                {
                    round.charged[owners[bid.builder_index as usize]] += bid.paid;
                    losers += bid.paid;
                }
            }
            if let Some(w) = round.winner {
                round.charged[w] += closed.revenue.saturating_sub(losers);
            }
            for (b, paid) in observed_bids.iter_mut().zip(&round.paid) {
                *b = *paid as f64 / unit;
            }
            for (i, strategy) in strategies.iter_mut().enumerate() {
                strategy.observe(&RoundOutcome {
                    slot: closed.target_slot,
                    player: i,
                    bids: &observed_bids,
                    winner: round.winner,
                    value: round.values[i],
                    paid: round.charged[i] as f64 / unit,
                    rule,
                    payment,
                });
            }
        }
        progress(blocks, last);
        if slot >= last {
            break;
        }
    }
    chain.finish()?;
    let final_balances = chain.balances()?;
    Ok(Run {
        rounds,
        strategies: descriptions,
        mode: chain.mode(),
        bls: chain.bls(),
        blocks,
        elapsed: started.elapsed(),
        accounting: chain.accounting()?,
        initial_balances: initial_balances.unwrap_or_default(),
        final_balances,
        settled: true,
        notes: Vec::new(),
    })
}

/// One builder's planned bids for consecutive rounds from `first_target`, as purchases:
/// each run of equal, non-zero bids becomes one order standing in all of its rounds.
fn standing_orders(builder: BuilderIndex, first_target: Slot, tickets: &[u64]) -> Vec<BuyOrder> {
    let mut orders: Vec<BuyOrder> = Vec::new();
    for (offset, &amount) in tickets.iter().enumerate() {
        let target = first_target + offset as u64;
        match orders.last_mut() {
            Some(o) if o.tickets == amount && o.target_slot + o.rounds == target => o.rounds += 1,
            _ if amount > 0 => orders.push(BuyOrder {
                builder,
                target_slot: target,
                tickets: amount,
                rounds: 1,
            }),
            _ => {}
        }
    }
    orders
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn runs_of_equal_bids_become_one_order_each() {
        let orders = standing_orders(3, 10, &[2, 2, 2, 0, 5, 5, 2]);
        let summary: Vec<(Slot, u64, u64)> = orders
            .iter()
            .map(|o| (o.target_slot, o.tickets, o.rounds))
            .collect();
        assert_eq!(summary, vec![(10, 2, 3), (14, 5, 2), (16, 2, 1)]);
        assert!(orders.iter().all(|o| o.builder == 3));
        assert!(standing_orders(0, 10, &[0, 0]).is_empty());
        assert_eq!(standing_orders(0, 10, &[7]).len(), 1);
    }
}
