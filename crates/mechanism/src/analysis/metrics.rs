//! Revenue and fairness metrics of an outcome.
//!
//! Revenue is what the protocol burns or smooths (its MEV oracle); fairness measures
//! how evenly the block is spread. The article's fairness for two players is
//! `sqrt(x1 x2)`; the n-player generalisation used here is the geometric mean of all
//! allocations, which is zero as soon as anyone is shut out.

use super::numeric::sum;
use serde::Serialize;

/// Bids, allocations, payments and utilities of every player (input order) plus the
/// aggregate metrics.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Outcome {
    /// Bids (for a mixed-strategy reference: expected bids).
    pub bids: Vec<f64>,
    /// Win probabilities (the share of blocks each player gets).
    pub allocations: Vec<f64>,
    /// Expected payments.
    pub payments: Vec<f64>,
    /// Expected utilities `v_i x_i - p_i`.
    pub utilities: Vec<f64>,
    /// Sum of expected payments: the protocol's MEV oracle.
    pub revenue: f64,
    /// Geometric mean of the allocations over all players.
    pub fairness: f64,
    /// Revenue divided by the highest value: how much of the top MEV the oracle sees.
    pub oracle_accuracy: f64,
    /// Shannon entropy of the allocation divided by `ln n` (1 = uniform, 0 = one winner).
    pub entropy: f64,
    /// Herfindahl-Hirschman index `sum x_i^2` (1/n = uniform, 1 = monopoly).
    pub hhi: f64,
}

impl Outcome {
    /// Assemble an outcome and compute its metrics.
    pub fn new(
        bids: Vec<f64>,
        allocations: Vec<f64>,
        payments: Vec<f64>,
        utilities: Vec<f64>,
        max_value: f64,
    ) -> Outcome {
        let revenue = sum(payments.iter().copied());
        let oracle_accuracy = if max_value > 0.0 {
            revenue / max_value
        } else {
            0.0
        };
        Outcome {
            fairness: fairness(&allocations),
            entropy: normalised_entropy(&allocations),
            hhi: hhi(&allocations),
            bids,
            allocations,
            payments,
            utilities,
            revenue,
            oracle_accuracy,
        }
    }

    /// Whether every number is finite (a solver that lost precision shows up here).
    pub fn is_finite(&self) -> bool {
        [
            self.revenue,
            self.fairness,
            self.oracle_accuracy,
            self.entropy,
            self.hhi,
        ]
        .iter()
        .chain(&self.bids)
        .chain(&self.allocations)
        .chain(&self.payments)
        .chain(&self.utilities)
        .all(|x| x.is_finite())
    }

    /// The same outcome in units `scale` times larger (allocations are unit-free).
    pub(crate) fn rescaled(mut self, scale: f64) -> Outcome {
        for v in self
            .bids
            .iter_mut()
            .chain(self.payments.iter_mut())
            .chain(self.utilities.iter_mut())
        {
            *v *= scale;
        }
        self.revenue *= scale;
        self
    }
}

/// Geometric mean of the allocations (0 if any player gets nothing).
pub fn fairness(x: &[f64]) -> f64 {
    if x.is_empty() || x.iter().any(|v| *v <= 0.0) {
        return 0.0;
    }
    (sum(x.iter().map(|v| v.ln())) / x.len() as f64).exp()
}

/// Shannon entropy over `ln n`; defined as 0 for a single player (no randomness).
pub fn normalised_entropy(x: &[f64]) -> f64 {
    if x.len() < 2 {
        return 0.0;
    }
    let h = -sum(x.iter().filter(|v| **v > 0.0).map(|v| v * v.ln()));
    if h > 0.0 {
        h / (x.len() as f64).ln()
    } else {
        0.0
    }
}

/// Herfindahl-Hirschman concentration index.
pub fn hhi(x: &[f64]) -> f64 {
    sum(x.iter().map(|v| v * v))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn article_fairness() {
        assert!((fairness(&[2.0 / 3.0, 1.0 / 3.0]) - (2.0f64 / 9.0).sqrt()).abs() < 1e-15);
        assert_eq!(fairness(&[1.0, 0.0]), 0.0);
        assert!((normalised_entropy(&[0.5, 0.5]) - 1.0).abs() < 1e-15);
        assert!((hhi(&[1.0, 0.0]) - 1.0).abs() < 1e-15);
    }
}
