//! What the theory predicts for the rounds that were played: the complete-information
//! equilibrium of each round's game among the players (their values, the chain's rule
//! and payment), averaged over the rounds.
//!
//! With fixed values every round is the same game and this is the article's table; with
//! values drawn per slot it is the mean over the drawn games (fairness is then taken of
//! the mean shares, as the realised fairness is of the realised shares). A Sybil player
//! counts as one player: the theory's claim for a Sybil-proof rule is exactly that its
//! identities together still get its equilibrium share.

use crate::driver::RoundRecord;
use crate::file::Experiment;
use etn_mechanism::analysis::{self, Game, Outcome, Payment, Rule};
use std::collections::HashMap;

/// The reference a run is compared with.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct Prediction {
    /// `pure`, `mixed` (the all-pay auction's mixed equilibrium) or `none`.
    pub kind: &'static str,
    pub shares: Vec<f64>,
    pub revenue: f64,
    pub fairness: f64,
    /// Mean equilibrium bid per player (value units); expected bids when mixed.
    pub bids: Vec<f64>,
    pub utilities: Vec<f64>,
    /// Each round's equilibrium bids, per player (for the learners' convergence).
    #[serde(skip)]
    pub round_bids: Vec<Vec<f64>>,
    pub notes: Vec<String>,
}

/// The equilibrium (or the mixed reference) of one game.
fn reference(
    values: &[f64],
    rule: Rule,
    payment: Payment,
    tick: f64,
) -> Result<(Outcome, &'static str), String> {
    let game = Game::new(values.to_vec(), rule, Some(payment))
        .and_then(|g| g.with_tick(tick))
        .map_err(|e| e.to_string())?;
    let solution = analysis::solve(&game);
    if let Some(e) = solution.equilibria.first() {
        return Ok((e.outcome.clone(), "pure"));
    }
    match solution.all_pay_limit {
        // The strategy agents play this mixed equilibrium only with two bidders.
        Some(o) if values.iter().filter(|v| **v > 0.0).count() == 2 => Ok((o, "mixed")),
        _ => Err(solution
            .notes
            .last()
            .cloned()
            .unwrap_or_else(|| "no equilibrium".into())),
    }
}

/// The prediction for `rounds` of `experiment`, or `kind: none` with the reason.
pub fn predict(experiment: &Experiment, rounds: &[RoundRecord]) -> Prediction {
    let n = experiment.players.len();
    let rule = experiment.rule();
    let payment = experiment.payment();
    // One ticket at the base price, in value units: the first-price tie-breaking step.
    let tick = experiment.config.base_ticket_price as f64 / experiment.value_unit_gwei as f64;
    let mut memo: HashMap<Vec<u64>, Result<(Outcome, &'static str), String>> = HashMap::new();
    let mut shares = vec![0.0; n];
    let mut bids = vec![0.0; n];
    let mut utilities = vec![0.0; n];
    let mut revenue = 0.0;
    let mut round_bids = Vec::with_capacity(rounds.len());
    let mut kind = "pure";
    for round in rounds {
        let key: Vec<u64> = round.values.iter().map(|v| v.to_bits()).collect();
        let entry = memo
            .entry(key)
            .or_insert_with(|| reference(&round.values, rule, payment, tick));
        match entry {
            Ok((o, k)) => {
                if *k == "mixed" {
                    kind = "mixed";
                }
                for i in 0..n {
                    shares[i] += o.allocations[i];
                    bids[i] += o.bids[i];
                    utilities[i] += o.utilities[i];
                }
                revenue += o.revenue;
                round_bids.push(o.bids.clone());
            }
            Err(reason) => {
                return Prediction {
                    kind: "none",
                    shares: vec![],
                    revenue: f64::NAN,
                    fairness: f64::NAN,
                    bids: vec![],
                    utilities: vec![],
                    round_bids: vec![],
                    notes: vec![format!(
                        "no equilibrium to compare with for values {:?}: {reason}",
                        round.values
                    )],
                };
            }
        }
    }
    let r = rounds.len().max(1) as f64;
    for x in shares.iter_mut().chain(&mut bids).chain(&mut utilities) {
        *x /= r;
    }
    let mut notes = Vec::new();
    if kind == "mixed" {
        notes.push(
            "the all-pay auction has no pure equilibrium: the reference is its mixed \
             equilibrium (expected bids and win probabilities)"
                .into(),
        );
    }
    if memo.len() > 1 {
        notes.push(format!(
            "values are drawn per slot: the prediction averages {} distinct games",
            memo.len()
        ));
    }
    Prediction {
        kind,
        fairness: analysis::metrics::fairness(&shares),
        shares,
        revenue: revenue / r,
        bids,
        utilities,
        round_bids,
        notes,
    }
}

/// Mean over rounds of the rule's allocation at the bids actually placed (identity by
/// identity, summed per player): what the chain should give each player for the bids it
/// saw, whatever the strategies. An empty round allocates nothing.
pub fn shares_at_bids(experiment: &Experiment, rounds: &[RoundRecord]) -> Vec<f64> {
    let owners = experiment.owners();
    let rule = experiment.rule();
    let mut shares = vec![0.0; experiment.players.len()];
    for round in rounds {
        // Only identities holding tickets take part on chain (under `uniform` a
        // non-bidder must not get a share, nor win an auction tie at zero).
        let bidders: Vec<usize> = (0..round.identity_tickets.len())
            .filter(|&b| round.identity_tickets[b] > 0)
            .collect();
        if bidders.is_empty() {
            continue;
        }
        let bids: Vec<f64> = bidders
            .iter()
            .map(|&b| round.identity_tickets[b] as f64)
            .collect();
        let x = analysis::mechanics::allocate(rule, &bids);
        for (&b, xb) in bidders.iter().zip(&x) {
            shares[owners[b]] += xb;
        }
    }
    let r = rounds.len().max(1) as f64;
    shares.iter().map(|s| s / r).collect()
}
