//! A no-regret agent: multiplicative weights (Hedge) over a grid of bids.

use super::rng::SplitMix64;
use super::{RoundOutcome, RoundView, Strategy};
use crate::analysis::Game;
use crate::analysis::mechanics::deviation_payoff;

/// Keeps a weight on each bid of a grid (fractions of its value from 0 to 1) and bids a
/// grid point drawn with probability proportional to its weight. After each round it
/// scores every grid point by the expected utility it would have earned against the
/// bids it observed (full-information feedback: the rule is public, so the counterfactual
/// is computable), divided by its value so scores lie in [-1, 1], and multiplies each
/// weight by `exp(learning_rate * score)`.
///
/// Hedge has vanishing average regret whatever the others do; when every player runs
/// it, the empirical distribution of play approaches a coarse correlated equilibrium,
/// which in these contests need not be the Nash equilibrium. Whether it gets there is
/// what experiments measure.
#[derive(Debug, Clone)]
pub struct Hedge {
    grid: Vec<f64>,
    log_weights: Vec<f64>,
    learning_rate: f64,
    rng: SplitMix64,
}

impl Hedge {
    /// `points` grid points (at least 2) on [0, 1] of the value; `learning_rate` per
    /// round (the textbook choice for a known horizon T is `sqrt(8 ln points / T)`, see
    /// [`Hedge::default_learning_rate`]).
    pub fn new(points: usize, learning_rate: f64, seed: u64) -> Self {
        let points = points.max(2);
        Self {
            grid: (0..points)
                .map(|i| i as f64 / (points - 1) as f64)
                .collect(),
            log_weights: vec![0.0; points],
            learning_rate,
            rng: SplitMix64::new(seed),
        }
    }

    /// `sqrt(8 ln points / horizon)`: the rate that minimises the worst-case regret
    /// bound over `horizon` rounds.
    pub fn default_learning_rate(points: usize, horizon: u64) -> f64 {
        (8.0 * (points.max(2) as f64).ln() / horizon.max(1) as f64).sqrt()
    }

    /// The current mixed strategy's mean bid, as a fraction of the value.
    pub fn mean_fraction(&self) -> f64 {
        let p = self.probabilities();
        p.iter().zip(&self.grid).map(|(p, g)| p * g).sum()
    }

    fn probabilities(&self) -> Vec<f64> {
        let max = self
            .log_weights
            .iter()
            .copied()
            .fold(f64::NEG_INFINITY, f64::max);
        let w: Vec<f64> = self.log_weights.iter().map(|l| (l - max).exp()).collect();
        let total: f64 = w.iter().sum();
        w.into_iter().map(|x| x / total).collect()
    }
}

impl Strategy for Hedge {
    fn describe(&self) -> String {
        format!(
            "hedge({} points, learning rate {:.4})",
            self.grid.len(),
            self.learning_rate
        )
    }

    fn bid(&mut self, view: &RoundView<'_>) -> u64 {
        let p = self.probabilities();
        let u = self.rng.next_f64();
        let mut acc = 0.0;
        let mut pick = self.grid.len() - 1;
        for (i, pi) in p.iter().enumerate() {
            acc += pi;
            if u < acc {
                pick = i;
                break;
            }
        }
        view.tickets(self.grid[pick] * view.value)
    }

    fn observe(&mut self, outcome: &RoundOutcome<'_>) {
        let v = outcome.value;
        let n = outcome.bids.len();
        if v <= 0.0 || outcome.player >= n {
            return;
        }
        // As in `BestResponse`: others' values do not enter this player's payoff.
        let Ok(game) = Game::new(vec![v; n], outcome.rule, Some(outcome.payment)) else {
            return;
        };
        let payoff = deviation_payoff(&game, outcome.bids, outcome.player);
        for (lw, g) in self.log_weights.iter_mut().zip(&self.grid) {
            *lw += self.learning_rate * payoff(g * v) / v;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::analysis::{Payment, Rule};

    /// Against a fixed opponent bidding 4/9, the best reply of a value-4 player under
    /// proportional all-pay is sqrt(4 * 4/9) - 4/9 = 8/9 (a fraction 2/9 of its value):
    /// Hedge must put most of its weight near it.
    #[test]
    fn hedge_learns_the_best_reply_to_a_fixed_opponent() {
        let mut h = Hedge::new(101, 0.5, 3);
        let bids = [0.0, 4.0 / 9.0];
        for slot in 0..500 {
            h.observe(&RoundOutcome {
                slot,
                player: 0,
                bids: &bids,
                winner: None,
                value: 4.0,
                paid: 0.0,
                rule: Rule::Proportional,
                payment: Payment::AllPay,
            });
        }
        assert!(
            (h.mean_fraction() - 2.0 / 9.0).abs() < 0.01,
            "{}",
            h.mean_fraction()
        );
        let view = RoundView {
            slot: 0,
            player: 0,
            players: 2,
            value: 4.0,
            values: None,
            identities: 1,
            rule: Rule::Proportional,
            payment: Payment::AllPay,
            tickets_per_unit: 100.0,
            max_tickets: u64::MAX,
        };
        let b = h.bid(&view);
        assert!((50..=130).contains(&b), "{b}");
    }

    #[test]
    fn default_rate() {
        let r = Hedge::default_learning_rate(101, 10_000);
        assert!((r - (8.0 * 101f64.ln() / 1e4).sqrt()).abs() < 1e-15);
    }
}
