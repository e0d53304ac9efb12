//! Auctions under complete information: first price, second price, and the all-pay
//! auction that Tullock contests approach as alpha grows.
//!
//! First price (the article's winner-take-all). The highest-valued player w (the lowest
//! index among equal top values) wins and pays the runner-up value `p`. Losers bid their
//! own values, which pins the price; w bids exactly `p` when it wins every tie at `p`
//! (ties go to the lower index) and `p + tick` otherwise. No loser can win without paying
//! at least its value, and w cannot shade below `p` without losing, so this is an
//! equilibrium up to one tick (exact when w wins the tie).
//!
//! Second price. Bidding one's value is weakly dominant; the winner pays `p`.
//!
//! All-pay auction (two players, `v1 >= v2 > 0`). There is no pure equilibrium. In the
//! unique mixed one, player 1 bids uniformly on `[0, v2]` (so player 2 is indifferent over
//! that interval) and player 2 bids 0 with probability `1 - v2/v1` and otherwise uniformly
//! on `[0, v2]` (so player 1 is indifferent): then `P(2 wins) = (v2/v1)(1/2)`, expected
//! bids are `v2/2` and `v2^2 / (2 v1)`, revenue `v2 (v1 + v2) / (2 v1)`, utilities
//! `v1 - v2` and 0. With more players and `v2 > v3` the same two players mix and the
//! rest bid zero (Baye, Kovenock and de Vries, 1996); with `v2 = v3` equilibria are not
//! unique and no reference is given.

use super::game::{Game, Payment};
use super::metrics::Outcome;

/// Winner, price and the two highest values, ties to the lower index.
fn top_two(values: &[f64]) -> (usize, Option<usize>) {
    let mut order: Vec<usize> = (0..values.len()).collect();
    order.sort_by(|&a, &b| values[b].total_cmp(&values[a]).then(a.cmp(&b)));
    (order[0], order.get(1).copied())
}

/// First-price equilibrium bids (see the module docs).
pub(crate) fn first_price_bids(game: &Game) -> Vec<f64> {
    let values = game.values();
    let (w, runner) = top_two(values);
    let p = runner.map_or(0.0, |r| values[r]);
    let loses_tie = values.iter().enumerate().any(|(j, &v)| j < w && v == p);
    let mut bids = values.to_vec();
    bids[w] = if loses_tie { p + game.tick() } else { p };
    bids
}

/// Truthful bids of the second-price auction.
pub(crate) fn second_price_bids(game: &Game) -> Vec<f64> {
    game.values().to_vec()
}

/// Mixed equilibrium of the complete-information all-pay auction as a reference outcome
/// (expected bids, win probabilities, expected payments), when it is unique.
pub fn all_pay_auction(values: &[f64]) -> Option<Outcome> {
    let n = values.len();
    if n < 2 {
        return None;
    }
    let mut order: Vec<usize> = (0..n).collect();
    order.sort_by(|&a, &b| values[b].total_cmp(&values[a]).then(a.cmp(&b)));
    let (i1, i2) = (order[0], order[1]);
    let (v1, v2) = (values[i1], values[i2]);
    if v2 <= 0.0 || (n > 2 && values[order[2]] == v2) {
        return None;
    }
    let mut bids = vec![0.0; n];
    let mut x = vec![0.0; n];
    bids[i1] = v2 / 2.0;
    bids[i2] = v2 * v2 / (2.0 * v1);
    x[i2] = v2 / (2.0 * v1);
    x[i1] = 1.0 - x[i2];
    let utilities: Vec<f64> = (0..n).map(|i| values[i] * x[i] - bids[i]).collect();
    Some(Outcome::new(bids.clone(), x, bids, utilities, v1))
}

/// Whether the first-price rule with this payment has a pure equilibrium at all: the
/// all-pay auction has none unless only one player values the block.
pub(crate) fn first_price_has_pure(game: &Game) -> bool {
    game.payment() == Payment::WinnerPay || game.values().iter().filter(|v| **v > 0.0).count() < 2
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::analysis::game::Rule;

    #[test]
    fn article_first_price() {
        let g = Game::new(vec![4.0, 2.0], Rule::WinnerTakeAll, None).unwrap();
        assert_eq!(first_price_bids(&g), vec![2.0, 2.0]);
        let g = Game::new(vec![2.0, 4.0], Rule::WinnerTakeAll, None).unwrap();
        assert_eq!(first_price_bids(&g), vec![2.0, 2.0 + 1e-9]);
    }

    #[test]
    fn all_pay_two_players() {
        let o = all_pay_auction(&[4.0, 2.0]).unwrap();
        assert!((o.revenue - 1.5).abs() < 1e-15);
        assert!((o.allocations[0] - 0.75).abs() < 1e-15);
        assert!((o.utilities[0] - 2.0).abs() < 1e-15);
        assert!(o.utilities[1].abs() < 1e-15);
    }
}
