//! Sybil checks: does a player gain by splitting into several identities, and do two
//! players gain by pooling their tickets under one identity?
//!
//! Both are unilateral (or bilateral) deviations from a pure equilibrium, with everyone
//! else's bids held fixed: the question a permissionless protocol faces is whether
//! identities are a lever, not how a whole new equilibrium would look.
//! - Split: player i replaces its identity by k identities, each bidding `b`, and `b` is
//!   chosen by a global search. An equal split is the best split for every rule here:
//!   allocations depend on the identities' total power `sum b^alpha`, and for a given
//!   power an equal split minimises winner-pay payments and all-pay payments when
//!   alpha <= 1; when alpha > 1 concentrating is best, i.e. not splitting at all, which
//!   the baseline already covers. The gain is reported signed (negative = splitting hurts).
//! - Merge: players i and j put their tickets under one identity bidding `b_i + b_j`; when
//!   it wins, the block goes to i or j pro rata to their tickets, and each pays pro rata.
//!   Proportional is neutral to this exactly: the pool wins `(b_i + b_j)/S`.

use super::error::AnalysisError;
use super::game::{Game, Payment, Rule};
use super::mechanics::{allocate, identities_payoff, outcome, payments};
use super::metrics::Outcome;
use super::numeric::global_max;
use super::solve::{EQUILIBRIUM_TOLERANCE, solve};
use serde::{Serialize, Serializer};

/// Most identities one split may use.
pub const MAX_IDENTITIES: usize = 64;

/// Most players for which every pair's merge is evaluated.
pub const MAX_MERGE_PLAYERS: usize = 64;

/// Best split of one player into `k` identities.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SplitGain {
    /// Player (0-based, input order).
    pub player: usize,
    /// Number of identities.
    pub identities: usize,
    /// Utility at the equilibrium.
    pub baseline_utility: f64,
    /// Best utility with `identities` identities.
    pub split_utility: f64,
    /// `split_utility - baseline_utility` (negative: splitting hurts).
    pub gain: f64,
    /// Bid of each identity at the best split.
    pub bid_per_identity: f64,
}

/// Two players pooling their equilibrium tickets under one identity.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct MergeGain {
    /// The two players (0-based, input order).
    pub players: [usize; 2],
    /// Their summed utility at the equilibrium.
    pub baseline_utility: f64,
    /// Their summed utility after pooling, bids unchanged.
    pub merged_utility: f64,
    /// `merged_utility - baseline_utility` (negative: pooling hurts).
    pub gain: f64,
}

/// Sybil report of one game.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SybilReport {
    /// Rule name.
    #[serde(serialize_with = "rule_name")]
    pub rule: Rule,
    /// Contest exponent (`null` for auctions).
    pub alpha: Option<f64>,
    /// Payment rule.
    pub payment: Payment,
    /// Values, input order.
    pub values: Vec<f64>,
    /// The equilibrium the deviations start from (the first one, if several).
    pub equilibrium: Outcome,
    /// Best split for every player and every k in `2..=max_identities`.
    pub splits: Vec<SplitGain>,
    /// Pooling gain for every pair (empty above [`MAX_MERGE_PLAYERS`] players).
    pub merges: Vec<MergeGain>,
    /// Largest split gain.
    pub max_split_gain: f64,
    /// Largest merge gain.
    pub max_merge_gain: f64,
    /// Gains at or below this (relative to the top value, times it) count as none.
    pub tolerance: f64,
    /// Neither splitting nor merging gains more than the tolerance.
    pub sybil_proof: bool,
}

fn rule_name<S: Serializer>(rule: &Rule, s: S) -> Result<S::Ok, S::Error> {
    s.serialize_str(rule.name())
}

/// Split and merge gains from the (first) pure equilibrium of `game`, for splits into
/// 2 to `max_identities` identities.
pub fn sybil_check(game: &Game, max_identities: usize) -> Result<SybilReport, AnalysisError> {
    if !(2..=MAX_IDENTITIES).contains(&max_identities) {
        return Err(AnalysisError::InvalidSplit(max_identities));
    }
    let solution = solve(game);
    let eq = solution
        .equilibria
        .first()
        .ok_or(AnalysisError::NoEquilibrium)?;
    let scale = game.max_value();
    let g = game.scaled(scale);
    let bids: Vec<f64> = eq.outcome.bids.iter().map(|b| b / scale).collect();
    let base = outcome(&g, &bids).utilities;
    let n = g.n();
    let mut splits = Vec::new();
    for i in 0..n {
        for k in 2..=max_identities {
            let f = identities_payoff(&g, &bids, i, k);
            let v = g.values()[i];
            let (b, u) = global_max(v, &[bids[i] / k as f64, bids[i]], f);
            splits.push(SplitGain {
                player: i,
                identities: k,
                baseline_utility: base[i] * scale,
                split_utility: u * scale,
                gain: (u - base[i]) * scale,
                bid_per_identity: b * scale,
            });
        }
    }
    let mut merges = Vec::new();
    if (2..=MAX_MERGE_PLAYERS).contains(&n) {
        for i in 0..n {
            for j in i + 1..n {
                let merged = pooled_utility(&g, &bids, i, j);
                let baseline = base[i] + base[j];
                merges.push(MergeGain {
                    players: [i, j],
                    baseline_utility: baseline * scale,
                    merged_utility: merged * scale,
                    gain: (merged - baseline) * scale,
                });
            }
        }
    }
    let max_of = |it: &mut dyn Iterator<Item = f64>| it.fold(f64::NEG_INFINITY, f64::max);
    let max_split_gain = max_of(&mut splits.iter().map(|s| s.gain));
    let max_merge_gain = max_of(&mut merges.iter().map(|m| m.gain));
    let tolerance = match game.rule() {
        Rule::WinnerTakeAll => (EQUILIBRIUM_TOLERANCE + g.tick()) * scale,
        _ => EQUILIBRIUM_TOLERANCE * scale,
    };
    Ok(SybilReport {
        rule: game.rule(),
        alpha: game.rule().lottery_alpha(),
        payment: game.payment(),
        values: game.values().to_vec(),
        equilibrium: eq.outcome.clone(),
        sybil_proof: max_split_gain <= tolerance && max_merge_gain <= tolerance,
        splits,
        merges,
        max_split_gain,
        max_merge_gain,
        tolerance,
    })
}

/// Summed utility of players i < j after pooling their bids under one identity placed
/// at index i; the pool's win and payment are shared pro rata to their bids.
fn pooled_utility(game: &Game, bids: &[f64], i: usize, j: usize) -> f64 {
    let pool = bids[i] + bids[j];
    let pooled: Vec<f64> = bids
        .iter()
        .enumerate()
        .filter(|(m, _)| *m != j)
        .map(|(m, &b)| if m == i { pool } else { b })
        .collect();
    let x = allocate(game.rule(), &pooled);
    let p = payments(game.rule(), game.payment(), &pooled, &x);
    let (vi, vj) = (game.values()[i], game.values()[j]);
    let mean_value = if pool > 0.0 {
        (vi * bids[i] + vj * bids[j]) / pool
    } else {
        0.5 * (vi + vj)
    };
    mean_value * x[i] - p[i]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn proportional_is_sybil_proof() {
        let g = Game::new(vec![4.0, 2.0, 1.5], Rule::Proportional, None).unwrap();
        let r = sybil_check(&g, 4).unwrap();
        assert!(
            r.sybil_proof,
            "{:?} {:?}",
            r.max_split_gain, r.max_merge_gain
        );
    }

    #[test]
    fn uniform_rewards_splitting() {
        let g = Game::new(vec![4.0, 2.0], Rule::Uniform, None).unwrap();
        let r = sybil_check(&g, 3).unwrap();
        // Three identities out of four win 3/4 instead of 1/2: gain 4 (3/4 - 1/2) = 1.
        assert!((r.max_split_gain - 1.0).abs() < 1e-12);
    }
}
