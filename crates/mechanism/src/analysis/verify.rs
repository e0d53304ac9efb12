//! Equilibrium verification by global best responses and first-order conditions.
//!
//! A candidate from the first-order conditions is only an equilibrium if no player can
//! gain by *any* unilateral change of bid. Contest payoffs with alpha > 1 and auction
//! payoffs are not concave, so this searches every player's whole bid range (a fine grid,
//! a logarithmic grid near zero, the critical points of the auctions, then golden-section
//! polish of the best local maxima) instead of trusting local conditions.

use super::game::{Game, Payment, Rule};
use super::mechanics::{deviation_payoff, log_power, max_other, outcome};
use super::numeric::{global_max, log_sum_exp};
use serde::Serialize;

/// The most profitable unilateral deviation found.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Deviation {
    /// Player who deviates (input order, 0-based).
    pub player: usize,
    /// The deviating bid.
    pub bid: f64,
    /// Utility gained over the candidate (<= 0 means no profitable deviation).
    pub gain: f64,
}

/// Global best response of player `i` to the others' bids: `(bid, utility)`.
///
/// Works on the game normalised to a top value of 1 (like [`super::solve()`]), so the
/// answer does not depend on the units the values are given in.
pub fn best_response(game: &Game, bids: &[f64], i: usize) -> (f64, f64) {
    let scale = game.max_value();
    let g = game.scaled(scale);
    let b: Vec<f64> = bids.iter().map(|x| x / scale).collect();
    let (bid, u) = best_response_normalised(&g, &b, i);
    (bid * scale, u * scale)
}

fn best_response_normalised(game: &Game, bids: &[f64], i: usize) -> (f64, f64) {
    let f = deviation_payoff(game, bids, i);
    let v = game.values()[i];
    let top = max_other(bids, i);
    let tick = game.tick();
    let mut extra = vec![bids[i], top, top.next_up(), top + 0.5 * tick, top + tick, v];
    if top > 0.0 {
        extra.push(top.next_down());
    }
    // Above the own value no rule pays off, except to tie exactly at the top.
    let upper = v.max(0.0);
    global_max(upper, &extra, f)
}

/// The largest gain any player can get by a unilateral deviation from `bids`.
pub fn max_deviation(game: &Game, bids: &[f64]) -> Deviation {
    let scale = game.max_value();
    let g = game.scaled(scale);
    let b: Vec<f64> = bids.iter().map(|x| x / scale).collect();
    let d = max_deviation_normalised(&g, &b);
    Deviation {
        player: d.player,
        bid: d.bid * scale,
        gain: d.gain * scale,
    }
}

/// [`max_deviation`] for a game whose top value is already 1.
pub(crate) fn max_deviation_normalised(game: &Game, bids: &[f64]) -> Deviation {
    let current = outcome(game, bids).utilities;
    let mut worst = Deviation {
        player: 0,
        bid: bids.first().copied().unwrap_or(0.0),
        gain: f64::NEG_INFINITY,
    };
    for (i, &now) in current.iter().enumerate() {
        let (bid, u) = best_response_normalised(game, bids, i);
        let gain = u - now;
        if gain > worst.gain {
            worst = Deviation {
                player: i,
                bid,
                gain,
            };
        }
    }
    worst
}

/// Marginal utility of each player's own bid at `bids` (lotteries only; `None` for the
/// auctions, whose payoffs jump).
///
/// At an equilibrium an active player's entry is zero and an inactive player's is
/// `<= 0` (`-inf`/`+inf` are reported where the derivative is unbounded at zero).
pub fn foc_residuals(game: &Game, bids: &[f64]) -> Option<Vec<f64>> {
    let alpha = game.rule().lottery_alpha()?;
    if game.rule() == Rule::Uniform || alpha == 0.0 {
        // Bids do not move the allocation: the marginal utility is the marginal cost.
        return Some(
            bids.iter()
                .map(|_| match game.payment() {
                    Payment::AllPay => -1.0,
                    Payment::WinnerPay => -1.0 / bids.len() as f64,
                })
                .collect(),
        );
    }
    let values = game.values();
    let out = (0..bids.len())
        .map(|i| {
            let b = bids[i];
            let v = values[i];
            let others = log_sum_exp(
                bids.iter()
                    .enumerate()
                    .filter(|(j, _)| *j != i)
                    .map(|(_, &bj)| log_power(alpha, bj)),
            );
            if b > 0.0 {
                let x = 1.0 / (1.0 + (others - alpha * b.ln()).exp());
                let dx = alpha * x * (1.0 - x) / b;
                match game.payment() {
                    Payment::AllPay => v * dx - 1.0,
                    Payment::WinnerPay => dx * (v - b) - x,
                }
            } else {
                // Derivative at a zero bid: dx/db at 0 is +inf (alpha < 1),
                // 1 / (others' total) (alpha = 1) or 0 (alpha > 1).
                let dx0 = if alpha < 1.0 {
                    f64::INFINITY
                } else if alpha == 1.0 {
                    (-others).exp()
                } else {
                    0.0
                };
                match game.payment() {
                    Payment::AllPay => {
                        if v == 0.0 {
                            -1.0
                        } else {
                            v * dx0 - 1.0
                        }
                    }
                    Payment::WinnerPay => {
                        if v == 0.0 {
                            0.0
                        } else {
                            v * dx0
                        }
                    }
                }
            }
        })
        .collect();
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn article_bids_are_an_equilibrium() {
        let g = Game::new(vec![4.0, 2.0], Rule::Proportional, None).unwrap();
        let d = max_deviation(&g, &[8.0 / 9.0, 4.0 / 9.0]);
        assert!(d.gain < 1e-12, "{d:?}");
        let d = max_deviation(&g, &[1.0, 4.0 / 9.0]);
        assert!(d.gain > 1e-3);
    }

    #[test]
    fn first_order_conditions_of_article() {
        let g = Game::new(vec![4.0, 2.0], Rule::Proportional, None).unwrap();
        let r = foc_residuals(&g, &[8.0 / 9.0, 4.0 / 9.0]).unwrap();
        assert!(r.iter().all(|x| x.abs() < 1e-12));
    }
}
