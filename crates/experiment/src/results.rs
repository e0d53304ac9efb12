//! `results.json`: the measured outcome beside the prediction, in value units.
//!
//! The names `slots`, `bls`, `burn_per_slot`, `predicted_revenue`, `fairness`,
//! `predicted_fairness` and `builders[] = {id, value, wins, share, share_ci95,
//! predicted_share, utility}` are binding (checks and docs read them); everything else
//! is extra context.

use crate::chain::AccountingSnapshot;
use crate::driver::Run;
use crate::file::Experiment;
use crate::predict::{Prediction, shares_at_bids};
use crate::stats::{Convergence, convergence, mean_ci, wilson};
use etn_mechanism::analysis::metrics::fairness;
use serde::Serialize;

/// Relative gap within which a learner's rolling-mean bid counts as at the equilibrium.
pub const CONVERGENCE_TOLERANCE: f64 = 0.05;

#[derive(Debug, Clone, Serialize)]
pub struct Results {
    pub name: String,
    pub description: String,
    pub mode: String,
    /// Rounds measured.
    pub slots: u64,
    /// Whether blocks and operations were BLS-signed and verified.
    pub bls: bool,
    pub seed: u64,
    pub value_unit_gwei: u64,
    pub validators: u64,
    /// Rounds one purchase bids in (standing orders when above 1).
    pub order_rounds: u64,
    pub chain: ChainSummary,
    /// Mean revenue (burned or smoothed) per slot, value units.
    pub burn_per_slot: f64,
    pub burn_per_slot_ci95: [f64; 2],
    /// Equilibrium revenue per slot, value units (`null` without an equilibrium).
    pub predicted_revenue: Option<f64>,
    /// Geometric mean of the realised shares.
    pub fairness: f64,
    pub predicted_fairness: Option<f64>,
    /// `pure`, `mixed` or `none`.
    pub prediction: String,
    pub builders: Vec<BuilderResult>,
    /// Rounds in which nobody bid (the slot had no builder).
    pub empty_rounds: u64,
    pub accounting: AccountingSnapshot,
    /// The closed-economy identity at the end of the run.
    pub identity_holds: bool,
    /// Every player's balance change equals its payload inflow minus its charges
    /// (`null` where the run also bid outside the measured rounds: devnet mode).
    pub balances_reconcile: Option<bool>,
    /// Blocks built: the measured rounds plus the lookahead lead-in. (Run time is
    /// printed, not stored, so that regenerated reports only change when results do.)
    pub blocks: u64,
    pub notes: Vec<String>,
}

#[derive(Debug, Clone, Serialize)]
pub struct ChainSummary {
    pub allocation: String,
    pub payment: String,
    pub pricing: String,
    pub destination: String,
    pub ticket_lookahead: u64,
    pub round_window: u64,
    pub base_ticket_price: u64,
    pub slots_per_epoch: u64,
}

#[derive(Debug, Clone, Serialize)]
pub struct BuilderResult {
    pub id: String,
    /// Mean value per slot (the value itself when fixed), value units.
    pub value: f64,
    pub wins: u64,
    pub share: f64,
    pub share_ci95: [f64; 2],
    pub predicted_share: Option<f64>,
    /// Realised utility per slot: payload inflow minus charges, value units.
    pub utility: f64,
    pub predicted_utility: Option<f64>,
    pub value_distribution: String,
    pub strategy: String,
    pub identities: usize,
    /// The rule's expected share at the bids actually placed (a check of the chain's
    /// sampling that holds whatever the strategies do).
    pub share_at_bids: f64,
    /// Mean bid per slot, value units.
    pub mean_bid: f64,
    pub predicted_bid: Option<f64>,
    /// Mean charge per slot, value units.
    pub paid_per_slot: f64,
    /// For learning strategies: how their bids approached the equilibrium.
    pub convergence: Option<Convergence>,
}

/// Rolling window for learners' convergence: 1% of the run, at least 50 rounds.
pub fn convergence_window(rounds: usize) -> usize {
    (rounds / 100).max(50).min(rounds.max(1))
}

pub fn results(experiment: &Experiment, run: &Run, prediction: &Prediction) -> Results {
    let unit = experiment.value_unit_gwei as f64;
    let n = run.rounds.len() as u64;
    let have = prediction.kind != "none";
    let at_bids = shares_at_bids(experiment, &run.rounds);
    let window = convergence_window(run.rounds.len());
    let owners = experiment.owners();

    let builders: Vec<BuilderResult> = experiment
        .players
        .iter()
        .enumerate()
        .map(|(i, p)| {
            let wins = run.rounds.iter().filter(|r| r.winner == Some(i)).count() as u64;
            let (lo, hi) = wilson(wins, n);
            let inflow: u128 = run
                .rounds
                .iter()
                .filter(|r| r.winner == Some(i))
                .map(|r| u128::from(r.inflow))
                .sum();
            let charged: u128 = run.rounds.iter().map(|r| u128::from(r.charged[i])).sum();
            let per_slot = |x: f64| x / unit / n.max(1) as f64;
            let bids: Vec<f64> = run.rounds.iter().map(|r| r.paid[i] as f64 / unit).collect();
            let value = run.rounds.iter().map(|r| r.values[i]).sum::<f64>() / n.max(1) as f64;
            let convergence = (p.strategy.is_adaptive() && have).then(|| {
                let targets: Vec<f64> = prediction.round_bids.iter().map(|b| b[i]).collect();
                convergence(
                    &bids,
                    &targets,
                    window,
                    CONVERGENCE_TOLERANCE,
                    0.01 * value.max(1e-9),
                )
            });
            BuilderResult {
                id: p.id.clone(),
                value,
                wins,
                share: wins as f64 / n.max(1) as f64,
                share_ci95: [lo, hi],
                predicted_share: have.then(|| prediction.shares[i]),
                utility: per_slot(inflow as f64 - charged as f64),
                predicted_utility: have.then(|| prediction.utilities[i]),
                value_distribution: p.value.describe(),
                strategy: run.strategies[i].clone(),
                identities: p.identities,
                share_at_bids: at_bids[i],
                mean_bid: bids.iter().sum::<f64>() / n.max(1) as f64,
                predicted_bid: have.then(|| prediction.bids[i]),
                paid_per_slot: per_slot(charged as f64),
                convergence,
            }
        })
        .collect();

    let burns: Vec<f64> = run.rounds.iter().map(|r| r.revenue as f64 / unit).collect();
    let (burn, (burn_lo, burn_hi)) = mean_ci(&burns);
    let shares: Vec<f64> = builders.iter().map(|b| b.share).collect();

    // Each player's balance change must be exactly its inflow minus its charges.
    let balances_reconcile = run.settled.then(|| {
        (0..experiment.players.len()).all(|i| {
            let delta: i128 = owners
                .iter()
                .enumerate()
                .filter(|(_, o)| **o == i)
                .map(|(b, _)| run.final_balances[b] as i128 - run.initial_balances[b] as i128)
                .sum();
            let inflow: i128 = run
                .rounds
                .iter()
                .filter(|r| r.winner == Some(i) && r.delivered)
                .map(|r| r.inflow as i128)
                .sum();
            let charged: i128 = run.rounds.iter().map(|r| r.charged[i] as i128).sum();
            delta == inflow - charged
        })
    });

    let m = experiment.mechanism();
    let config = &experiment.config;
    let mut notes = prediction.notes.clone();
    notes.extend(run.notes.iter().cloned());
    if !run.bls {
        notes.push(
            "run without BLS: nothing was signed and signatures were not verified; every \
             other rule of the state transition applied"
                .into(),
        );
    }
    Results {
        name: experiment.name.clone(),
        description: experiment.description.clone(),
        mode: run.mode.into(),
        slots: n,
        bls: run.bls,
        seed: experiment.seed,
        value_unit_gwei: experiment.value_unit_gwei,
        validators: experiment.validators,
        order_rounds: experiment.order_rounds,
        chain: ChainSummary {
            allocation: m.allocation.to_string(),
            payment: m.payment.name().into(),
            pricing: m.pricing.name().into(),
            destination: m.destination.name().into(),
            ticket_lookahead: config.ticket_lookahead,
            round_window: config.round_window,
            base_ticket_price: config.base_ticket_price,
            slots_per_epoch: config.slots_per_epoch,
        },
        burn_per_slot: burn,
        burn_per_slot_ci95: [burn_lo, burn_hi],
        predicted_revenue: have.then_some(prediction.revenue),
        fairness: fairness(&shares),
        predicted_fairness: have.then_some(prediction.fairness),
        prediction: prediction.kind.into(),
        builders,
        empty_rounds: run
            .rounds
            .iter()
            .filter(|r| r.tickets.iter().all(|t| *t == 0))
            .count() as u64,
        identity_holds: run.accounting.identity_holds,
        accounting: run.accounting.clone(),
        balances_reconcile,
        blocks: run.blocks,
        notes,
    }
}
