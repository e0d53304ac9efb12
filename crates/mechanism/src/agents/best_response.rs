//! An adaptive agent: damped best response to the bids it observed recently.

use super::{RoundOutcome, RoundView, Strategy};
use crate::analysis::mechanics::{deviation_payoff, max_other};
use crate::analysis::{Game, best_response};
use std::collections::VecDeque;

/// Learns without knowing anyone's value: after each observed round it remembers the
/// other players' bids; when it bids, it computes its global best response (the rule's
/// expected utility, [`crate::analysis::best_response`]) to the others' mean bids over
/// the last `window` rounds and moves a fraction `damping` of the way from its previous
/// bid toward it.
///
/// Window 1 and damping 1 is plain best-response dynamics (Cournot adjustment); longer
/// windows approach fictitious play, and damping < 1 suppresses the two-player
/// overshooting that undamped dynamics show in contests.
///
/// In the auctions a best response is not unique (a loser is indifferent among all
/// losing bids; a second-price winner among all winning ones). The agent then takes the
/// optimal bid closest to its own value, the way a bidder who has nothing to lose by it
/// keeps its bid honest; and it outbids by `increment` (a fraction of its value) rather
/// than by one ticket, as a real bidder raises in steps. With one-ticket steps,
/// best-response dynamics in a first-price auction are an English auction that climbs
/// 10^-6 of a unit per round.
#[derive(Debug, Clone)]
pub struct BestResponse {
    window: usize,
    damping: f64,
    start: f64,
    increment: f64,
    seen: VecDeque<Vec<f64>>,
    current: Option<f64>,
}

impl BestResponse {
    /// `start` is the first bid and `increment` the auction raise, both as fractions
    /// of the player's value.
    pub fn new(window: usize, damping: f64, start: f64, increment: f64) -> Self {
        Self {
            window: window.max(1),
            damping: damping.clamp(0.0, 1.0),
            start,
            increment,
            seen: VecDeque::new(),
            current: None,
        }
    }

    /// The others' mean bids over the window (own entry left as it is observed).
    fn mean_observed(&self) -> Option<Vec<f64>> {
        let first = self.seen.front()?;
        let mut mean = vec![0.0; first.len()];
        for bids in &self.seen {
            for (m, b) in mean.iter_mut().zip(bids) {
                *m += b;
            }
        }
        let k = self.seen.len() as f64;
        Some(mean.into_iter().map(|m| m / k).collect())
    }
}

/// The optimal bid closest to the own value, among the bids where an auction payoff
/// can change (zero, around the others' top bid, the value) and a grid.
fn auction_best_response(game: &Game, bids: &[f64], i: usize, tick: f64) -> f64 {
    let v = game.values()[i];
    let payoff = deviation_payoff(game, bids, i);
    let top = max_other(bids, i);
    let mut candidates = vec![0.0, v, top, top + tick, (top - tick).max(0.0)];
    candidates.extend((0..=200).map(|k| v * k as f64 / 200.0));
    let scored: Vec<(f64, f64)> = candidates.into_iter().map(|b| (b, payoff(b))).collect();
    let best = scored.iter().map(|c| c.1).fold(f64::NEG_INFINITY, f64::max);
    let tolerance = 1e-12 * v.max(1.0);
    scored
        .into_iter()
        .filter(|c| c.1 >= best - tolerance)
        .min_by(|a, b| (a.0 - v).abs().total_cmp(&(b.0 - v).abs()))
        .map_or(0.0, |c| c.0)
}

impl Strategy for BestResponse {
    fn describe(&self) -> String {
        format!(
            "best-response(window {}, damping {})",
            self.window, self.damping
        )
    }

    fn bid(&mut self, view: &RoundView<'_>) -> u64 {
        let v = view.value;
        let previous = self.current.unwrap_or(self.start * v);
        let target = match self.mean_observed() {
            Some(mut bids) if v > 0.0 && bids.len() == view.players && view.player < bids.len() => {
                bids[view.player] = previous;
                // The others' values are unknown and do not enter this player's payoff;
                // the game only needs them to exist, so they are set to the own value.
                let auction = view.rule.lottery_alpha().is_none();
                let tick = if auction {
                    view.tick().max(self.increment * v)
                } else {
                    view.tick()
                };
                match Game::new(vec![v; view.players], view.rule, Some(view.payment))
                    .and_then(|g| g.with_tick(tick))
                {
                    Ok(game) if auction => auction_best_response(&game, &bids, view.player, tick),
                    Ok(game) => best_response(&game, &bids, view.player).0,
                    Err(_) => previous,
                }
            }
            Some(_) => 0.0,
            None => previous,
        };
        let next = previous + self.damping * (target - previous);
        self.current = Some(next);
        view.tickets(next)
    }

    fn observe(&mut self, outcome: &RoundOutcome<'_>) {
        self.seen.push_back(outcome.bids.to_vec());
        while self.seen.len() > self.window {
            self.seen.pop_front();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::analysis::{Payment, Rule};

    /// Two best responders with values (4, 2) playing proportional all-pay against each
    /// other directly (no chain): they must reach the article's bids (8/9, 4/9).
    #[test]
    fn two_best_responders_find_the_proportional_equilibrium() {
        let bids = play(Rule::Proportional, Payment::AllPay, 0.5, 200);
        assert!((bids[0] - 8.0 / 9.0).abs() < 1e-3, "{bids:?}");
        assert!((bids[1] - 4.0 / 9.0).abs() < 1e-3, "{bids:?}");
    }

    /// Undamped best responders in a first-price auction climb in 1% steps until the
    /// weaker one stops at its value: the equilibrium (2, 2), the stronger winning ties.
    #[test]
    fn first_price_best_responders_climb_to_the_runner_up_value() {
        let bids = play(Rule::WinnerTakeAll, Payment::WinnerPay, 1.0, 1000);
        assert_eq!(bids, [2.0, 2.0]);
    }

    /// In the second-price auction the tie rule makes both bid their values.
    #[test]
    fn second_price_best_responders_bid_truthfully() {
        let bids = play(Rule::SecondPrice, Payment::WinnerPay, 1.0, 10);
        assert_eq!(bids, [4.0, 2.0]);
    }

    /// Two agents with values (4, 2) playing `rounds` rounds directly (no chain), each
    /// seeing the other's previous bid. Returns the last bids in value units.
    fn play(rule: Rule, payment: Payment, damping: f64, rounds: u64) -> [f64; 2] {
        let values = [4.0, 2.0];
        let mut agents = [
            BestResponse::new(1, damping, 0.1, 0.01),
            BestResponse::new(1, damping, 0.1, 0.01),
        ];
        let mut bids = [0.0; 2];
        for slot in 0..rounds {
            for (i, agent) in agents.iter_mut().enumerate() {
                let view = RoundView {
                    slot,
                    player: i,
                    players: 2,
                    value: values[i],
                    values: None,
                    identities: 1,
                    rule,
                    payment,
                    tickets_per_unit: 1e6,
                    max_tickets: u64::MAX,
                };
                bids[i] = agent.bid(&view) as f64 / 1e6;
            }
            for (i, agent) in agents.iter_mut().enumerate() {
                agent.observe(&RoundOutcome {
                    slot,
                    player: i,
                    bids: &bids,
                    winner: None,
                    value: values[i],
                    paid: bids[i],
                    rule,
                    payment,
                });
            }
        }
        bids
    }
}
