//! The rules as functions of a bid vector: allocation, expected payments, utilities.
//!
//! Solvers propose bids; everything reported (allocations, payments, metrics) is then
//! recomputed from the bids by these functions, so a reported equilibrium is always
//! internally consistent. Conventions fixed here:
//! - lotteries with alpha > 0: `x_i = b_i^alpha / sum_j b_j^alpha`; if every bid is
//!   zero the block is split equally among all players;
//! - uniform (alpha = 0): `x_i = 1/n` whatever the bids;
//! - auctions: the highest bid wins, ties go to the lower index.

use super::game::{Game, Payment, Rule};
use super::metrics::Outcome;
use super::numeric::{log_sum_exp, sum};

/// Allocation (win probabilities) of every player for the given bids.
pub fn allocate(rule: Rule, bids: &[f64]) -> Vec<f64> {
    let n = bids.len();
    match rule.lottery_alpha() {
        Some(alpha) => lottery_allocation(alpha, bids),
        None => {
            let mut x = vec![0.0; n];
            if let Some(w) = auction_winner(bids) {
                x[w] = 1.0;
            }
            x
        }
    }
}

/// Lottery allocation with the conventions of the module docs.
fn lottery_allocation(alpha: f64, bids: &[f64]) -> Vec<f64> {
    let n = bids.len();
    let positive = bids.iter().any(|b| *b > 0.0);
    if alpha == 0.0 || !positive {
        return vec![1.0 / n as f64; n];
    }
    if alpha == 1.0 {
        let total = sum(bids.iter().copied());
        return bids.iter().map(|b| b / total).collect();
    }
    let logs: Vec<f64> = bids.iter().map(|&b| log_power(alpha, b)).collect();
    let lse = log_sum_exp(logs.iter().copied());
    logs.iter().map(|l| (l - lse).exp()).collect()
}

/// `ln(b^alpha)`, with `ln 0 = -inf` (a zero bid has no weight when alpha > 0).
pub(crate) fn log_power(alpha: f64, b: f64) -> f64 {
    if b > 0.0 {
        alpha * b.ln()
    } else {
        f64::NEG_INFINITY
    }
}

/// Index of the highest bid, ties to the lower index; `None` for no bids.
pub(crate) fn auction_winner(bids: &[f64]) -> Option<usize> {
    let mut best: Option<usize> = None;
    for (i, &b) in bids.iter().enumerate() {
        match best {
            Some(w) if bids[w] >= b => {}
            _ => best = Some(i),
        }
    }
    best
}

/// Highest bid among everybody but `i` (0 if nobody else bids).
pub(crate) fn max_other(bids: &[f64], i: usize) -> f64 {
    bids.iter()
        .enumerate()
        .filter(|(j, _)| *j != i)
        .map(|(_, b)| *b)
        .fold(0.0, f64::max)
}

/// Expected payment of every player, given bids and the allocation they produce.
pub fn payments(rule: Rule, payment: Payment, bids: &[f64], alloc: &[f64]) -> Vec<f64> {
    match (rule, payment) {
        (Rule::SecondPrice, _) => bids
            .iter()
            .enumerate()
            .map(|(i, _)| alloc[i] * max_other(bids, i))
            .collect(),
        (_, Payment::AllPay) => bids.to_vec(),
        (_, Payment::WinnerPay) => bids.iter().zip(alloc).map(|(b, x)| b * x).collect(),
    }
}

/// Everything the analysis reports about a bid vector in a game.
pub fn outcome(game: &Game, bids: &[f64]) -> Outcome {
    let allocations = allocate(game.rule(), bids);
    let payments = payments(game.rule(), game.payment(), bids, &allocations);
    let utilities: Vec<f64> = game
        .values()
        .iter()
        .zip(&allocations)
        .zip(&payments)
        .map(|((v, x), p)| v * x - p)
        .collect();
    Outcome::new(
        bids.to_vec(),
        allocations,
        payments,
        utilities,
        game.max_value(),
    )
}

/// Utility of player `i` as a function of its own bid, everyone else held fixed.
///
/// Precomputes what the others contribute so one evaluation is O(1); the global
/// best-response search evaluates this thousands of times per player.
pub(crate) fn deviation_payoff(game: &Game, bids: &[f64], i: usize) -> impl Fn(f64) -> f64 {
    identities_payoff(game, bids, i, 1)
}

/// Utility of player `i` if it replaces its single identity by `k` identities that each
/// bid `b`, everyone else held fixed (k = 1 is an ordinary deviation).
pub(crate) fn identities_payoff(
    game: &Game,
    bids: &[f64],
    i: usize,
    k: usize,
) -> impl Fn(f64) -> f64 {
    let v = game.values()[i];
    let n = bids.len();
    let kf = k as f64;
    let payment = game.payment();
    let rule = game.rule();
    let alpha = rule.lottery_alpha();
    // Lottery: log of the others' total power (-inf if they all bid zero).
    let others_log = match alpha {
        Some(a) if a > 0.0 => log_sum_exp(
            bids.iter()
                .enumerate()
                .filter(|(j, _)| *j != i)
                .map(|(_, &b)| log_power(a, b)),
        ),
        _ => f64::NEG_INFINITY,
    };
    // Auction: the others' best bid and whether one of them wins a tie against `i`.
    let top = max_other(bids, i);
    let lower_index_at_top = bids
        .iter()
        .enumerate()
        .any(|(j, &b)| j < i && b == top && j != i);
    let anyone_else_bids = bids.iter().enumerate().any(|(j, &b)| j != i && b > 0.0);
    move |b: f64| -> f64 {
        match alpha {
            Some(a) => {
                let x = if a == 0.0 {
                    kf / (n as f64 - 1.0 + kf)
                } else if b > 0.0 {
                    let own = kf.ln() + a * b.ln();
                    if others_log == f64::NEG_INFINITY {
                        1.0
                    } else {
                        1.0 / (1.0 + (others_log - own).exp())
                    }
                } else if anyone_else_bids {
                    0.0
                } else {
                    kf / (n as f64 - 1.0 + kf)
                };
                match payment {
                    Payment::AllPay => v * x - kf * b,
                    // Each identity pays its bid only when it is the one that wins.
                    Payment::WinnerPay => x * (v - b),
                }
            }
            None => {
                // Extra identities bidding the same amount never change who wins.
                let wins = b > top || (b == top && !lower_index_at_top);
                let win = if wins { 1.0 } else { 0.0 };
                match (rule, payment) {
                    (Rule::SecondPrice, _) => win * (v - top),
                    (_, Payment::AllPay) => v * win - kf * b,
                    (_, Payment::WinnerPay) => win * (v - b),
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn proportional_allocation_of_article_bids() {
        let x = allocate(Rule::Proportional, &[8.0 / 9.0, 4.0 / 9.0]);
        assert!((x[0] - 2.0 / 3.0).abs() < 1e-15);
    }

    #[test]
    fn ties_go_to_lower_index() {
        assert_eq!(auction_winner(&[2.0, 2.0]), Some(0));
        assert_eq!(auction_winner(&[1.0, 2.0, 2.0]), Some(1));
    }

    #[test]
    fn zero_bids_split_equally() {
        assert_eq!(
            allocate(Rule::Tullock { alpha: 2.0 }, &[0.0, 0.0]),
            vec![0.5, 0.5]
        );
    }

    #[test]
    fn deviation_payoff_matches_outcome() {
        let game = Game::new(vec![4.0, 2.0, 1.0], Rule::Tullock { alpha: 1.3 }, None).unwrap();
        let bids = [0.7, 0.4, 0.1];
        for i in 0..3 {
            let f = deviation_payoff(&game, &bids, i);
            let u = outcome(&game, &bids).utilities[i];
            assert!((f(bids[i]) - u).abs() < 1e-12);
        }
    }
}
