//! A player that splits its bid over several identities, choosing the split that is
//! best against everyone else's equilibrium bids.

use super::{Equilibrium, RoundView, Strategy};
use crate::analysis::{Game, Payment, Rule, sybil_check};

type Key = (Vec<f64>, usize, Rule, Payment, f64);

/// Bids through `view.identities` identities, each bidding the per-identity amount
/// that maximises the player's utility when the others play the equilibrium (the
/// deviation [`crate::analysis::sybil_check`] evaluates). On a Sybil-proof rule the best
/// split earns no more than the equilibrium; where splitting pays (uniform, Tullock with
/// alpha < 1) the experiment shows the player's share grow. With one identity it is the
/// equilibrium strategy.
#[derive(Debug, Clone)]
pub struct SybilBest {
    /// (values, identities, rule, payment, tick) and the best per-identity bid.
    cache: Option<(Key, Option<f64>)>,
    fallback: Equilibrium,
    failures: u64,
}

impl SybilBest {
    pub fn new(seed: u64) -> Self {
        Self {
            cache: None,
            fallback: Equilibrium::new(seed),
            failures: 0,
        }
    }

    /// Rounds in which no split could be computed (the player then bids nothing).
    pub fn failures(&self) -> u64 {
        self.failures + self.fallback.failures()
    }
}

impl Strategy for SybilBest {
    fn describe(&self) -> String {
        "sybil-best".into()
    }

    fn bid(&mut self, view: &RoundView<'_>) -> u64 {
        let k = view.identities;
        if k < 2 {
            return self.fallback.bid(view);
        }
        let Some(values) = view.values else {
            self.failures += 1;
            return 0;
        };
        let key = (values.to_vec(), k, view.rule, view.payment, view.tick());
        let fresh = self.cache.as_ref().is_none_or(|(old, _)| *old != key);
        if fresh {
            let per_identity = Game::new(values.to_vec(), view.rule, Some(view.payment))
                .and_then(|g| g.with_tick(view.tick()))
                .and_then(|g| sybil_check(&g, k))
                .ok()
                .and_then(|report| {
                    report
                        .splits
                        .iter()
                        .find(|s| s.player == view.player && s.identities == k)
                        .map(|s| s.bid_per_identity)
                });
            self.cache = Some((key, per_identity));
        }
        match self.cache.as_ref().and_then(|c| c.1) {
            Some(b) => {
                let each = view.tickets(b);
                each.saturating_mul(k as u64).min(view.max_tickets)
            }
            None => {
                self.failures += 1;
                0
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::analysis::{Payment, Rule};

    fn view<'a>(values: &'a [f64], rule: Rule, identities: usize) -> RoundView<'a> {
        RoundView {
            slot: 1,
            player: 0,
            players: values.len(),
            value: values[0],
            values: Some(values),
            identities,
            rule,
            payment: Payment::AllPay,
            tickets_per_unit: 1e6,
            max_tickets: u64::MAX,
        }
    }

    #[test]
    fn proportional_split_keeps_the_equilibrium_total() {
        // Proportional is Sybil-proof: the best 3-way split totals the equilibrium bid.
        let values = [4.0, 2.0];
        let mut s = SybilBest::new(1);
        let total = s.bid(&view(&values, Rule::Proportional, 3)) as f64 / 1e6;
        assert!((total - 8.0 / 9.0).abs() < 1e-3, "{total}");
        assert_eq!(s.failures(), 0);
    }

    #[test]
    fn one_identity_is_the_equilibrium() {
        let values = [4.0, 2.0];
        let mut s = SybilBest::new(1);
        assert_eq!(s.bid(&view(&values, Rule::Proportional, 1)), 888_889);
    }
}
