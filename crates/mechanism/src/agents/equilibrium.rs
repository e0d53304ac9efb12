//! The complete-information equilibrium bid: what the article's players do.

use super::rng::SplitMix64;
use super::{RoundView, Strategy};
use crate::analysis::{AnalysisError, Game, Payment, Rule, all_pay_auction, solve};

/// Equilibrium bids (value units) of every player for `values` under `rule` and
/// `payment`. `tick` is the smallest bid increment (one ticket), so a first-price winner
/// that must outbid a tie does so by a whole ticket rather than by 1e-9 of a unit that
/// would round away. With several equilibria the first one the solver reports is used.
pub fn equilibrium_bids(
    values: &[f64],
    rule: Rule,
    payment: Payment,
    tick: f64,
) -> Result<Vec<f64>, AnalysisError> {
    let game = Game::new(values.to_vec(), rule, Some(payment))?.with_tick(tick)?;
    let solution = solve(&game);
    solution
        .equilibria
        .first()
        .map(|e| e.outcome.bids.clone())
        .ok_or(AnalysisError::NoEquilibrium)
}

/// Plays the equilibrium of the round's game. Needs every player's value (`view.values`);
/// without them, or when the game has no equilibrium it can play, it bids nothing and
/// counts the round in [`Equilibrium::failures`].
///
/// The winner-take-all rule with all-pay payments (the all-pay auction) has no pure
/// equilibrium; with two bidders this plays its unique mixed equilibrium instead
/// (see [`crate::analysis::all_pay_auction`]), drawing from a seeded generator.
#[derive(Debug, Clone)]
pub struct Equilibrium {
    cache: Option<(Key, Plan)>,
    rng: SplitMix64,
    failures: u64,
}

/// What an equilibrium depends on: the values, the rules and the ticket size.
type Key = (Vec<f64>, Rule, Payment, f64);

#[derive(Debug, Clone)]
enum Plan {
    Pure(Vec<f64>),
    /// The two-player all-pay auction: (top player, runner-up, v1, v2).
    MixedAllPay(usize, usize, f64, f64),
    None,
}

impl Equilibrium {
    pub fn new(seed: u64) -> Self {
        Self {
            cache: None,
            rng: SplitMix64::new(seed),
            failures: 0,
        }
    }

    /// Rounds in which no equilibrium bid could be computed.
    pub fn failures(&self) -> u64 {
        self.failures
    }

    fn plan(values: &[f64], rule: Rule, payment: Payment, tick: f64) -> Plan {
        match equilibrium_bids(values, rule, payment, tick) {
            Ok(bids) => Plan::Pure(bids),
            Err(_) if rule == Rule::WinnerTakeAll && payment == Payment::AllPay => {
                let positive = values.iter().filter(|v| **v > 0.0).count();
                if positive != 2 || all_pay_auction(values).is_none() {
                    return Plan::None;
                }
                let mut order: Vec<usize> = (0..values.len()).collect();
                order.sort_by(|&a, &b| values[b].total_cmp(&values[a]).then(a.cmp(&b)));
                Plan::MixedAllPay(order[0], order[1], values[order[0]], values[order[1]])
            }
            Err(_) => Plan::None,
        }
    }
}

impl Strategy for Equilibrium {
    fn describe(&self) -> String {
        "equilibrium".into()
    }

    fn bid(&mut self, view: &RoundView<'_>) -> u64 {
        let Some(values) = view.values else {
            self.failures += 1;
            return 0;
        };
        let tick = view.tick();
        let fresh = match &self.cache {
            Some(((v, r, p, t), _)) => {
                v.as_slice() != values || *r != view.rule || *p != view.payment || *t != tick
            }
            None => true,
        };
        if fresh {
            let plan = Self::plan(values, view.rule, view.payment, tick);
            self.cache = Some(((values.to_vec(), view.rule, view.payment, tick), plan));
        }
        let plan = &self.cache.as_ref().expect("just filled").1;
        let units = match plan {
            Plan::Pure(bids) => bids.get(view.player).copied(),
            Plan::MixedAllPay(top, runner, v1, v2) => {
                let (top, runner, v1, v2) = (*top, *runner, *v1, *v2);
                let u = self.rng.next_f64();
                if view.player == top {
                    Some(u * v2)
                } else if view.player == runner {
                    // Zero with probability 1 - v2/v1, otherwise uniform on [0, v2].
                    let active = v2 / v1;
                    Some(if u < 1.0 - active {
                        0.0
                    } else {
                        (u - (1.0 - active)) / active * v2
                    })
                } else {
                    Some(0.0)
                }
            }
            Plan::None => None,
        };
        match units {
            Some(u) => view.tickets(u),
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

    fn view<'a>(player: usize, values: &'a [f64], rule: Rule, payment: Payment) -> RoundView<'a> {
        RoundView {
            slot: 1,
            player,
            players: values.len(),
            value: values[player],
            values: Some(values),
            identities: 1,
            rule,
            payment,
            tickets_per_unit: 1e6,
            max_tickets: u64::MAX,
        }
    }

    #[test]
    fn article_bids_in_tickets() {
        let values = [4.0, 2.0];
        let mut e = Equilibrium::new(1);
        let p = (Rule::Proportional, Payment::AllPay);
        assert_eq!(e.bid(&view(0, &values, p.0, p.1)), 888_889);
        assert_eq!(e.bid(&view(1, &values, p.0, p.1)), 444_444);
        let w = (Rule::WinnerTakeAll, Payment::WinnerPay);
        assert_eq!(e.bid(&view(0, &values, w.0, w.1)), 2_000_000);
        assert_eq!(e.bid(&view(1, &values, w.0, w.1)), 2_000_000);
        assert_eq!(e.failures(), 0);
    }

    #[test]
    fn first_price_winner_that_loses_ties_outbids_by_one_ticket() {
        let values = [2.0, 4.0];
        let mut e = Equilibrium::new(1);
        let v = view(1, &values, Rule::WinnerTakeAll, Payment::WinnerPay);
        assert_eq!(e.bid(&v), 2_000_001);
    }

    #[test]
    fn mixed_all_pay_auction_has_the_right_means() {
        let values = [4.0, 2.0];
        let mut e = Equilibrium::new(9);
        let n = 20_000;
        let (mut s0, mut s1) = (0.0, 0.0);
        for _ in 0..n {
            s0 += e.bid(&view(0, &values, Rule::WinnerTakeAll, Payment::AllPay)) as f64 / 1e6;
            s1 += e.bid(&view(1, &values, Rule::WinnerTakeAll, Payment::AllPay)) as f64 / 1e6;
        }
        // Expected bids v2/2 = 1 and v2^2/(2 v1) = 0.5.
        assert!((s0 / n as f64 - 1.0).abs() < 0.02);
        assert!((s1 / n as f64 - 0.5).abs() < 0.02);
        assert_eq!(e.failures(), 0);
    }

    #[test]
    fn no_values_or_no_equilibrium_bids_nothing() {
        let values = [4.0, 2.0];
        let mut e = Equilibrium::new(1);
        let mut v = view(0, &values, Rule::Proportional, Payment::AllPay);
        v.values = None;
        assert_eq!(e.bid(&v), 0);
        let v = view(0, &values, Rule::Tullock { alpha: 3.0 }, Payment::AllPay);
        assert_eq!(e.bid(&v), 0);
        assert_eq!(e.failures(), 2);
    }
}
