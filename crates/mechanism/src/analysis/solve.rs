//! One entry point, [`solve`], that finds every pure equilibrium of a game (or shows
//! there is none) and reports it with its metrics.
//!
//! Solvers run on values normalised to a maximum of 1 (equilibrium bids scale with the
//! values), and all results are scaled back, so tolerances are relative to the top value.

use super::auction::{all_pay_auction, first_price_bids, first_price_has_pure, second_price_bids};
use super::contest::{self, Candidate};
use super::game::{Game, Payment, Rule};
use super::mechanics::outcome;
use super::metrics::Outcome;
use super::verify::max_deviation_normalised;
use super::winner_pay::winner_pay_bids;
use serde::{Serialize, Serializer};

/// Largest deviation gain, relative to the top value, that still counts as "no gain".
pub const EQUILIBRIUM_TOLERANCE: f64 = 1e-9;

/// Above this many players, equilibria that theory already guarantees (alpha <= 1
/// all-pay, auctions) are not re-verified by the O(n^2)-ish global search.
pub const VERIFY_LIMIT: usize = 2000;

/// One pure equilibrium.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Equilibrium {
    /// Bids, allocations, payments, utilities and metrics.
    #[serde(flatten)]
    pub outcome: Outcome,
    /// Players who bid a positive amount (0-based, input order).
    pub active: Vec<usize>,
    /// Number of equilibria this one stands for by permuting players of equal value.
    pub copies: u64,
    /// Largest gain from a unilateral deviation found by the global search (`None` when
    /// the game was too large to re-verify an equilibrium that theory guarantees).
    pub max_deviation_gain: Option<f64>,
}

/// How the equilibrium search went.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SearchInfo {
    /// Whether every candidate active set was examined (false: only value-ordered ones).
    pub exhaustive: bool,
    /// How many candidate active sets (up to relabelling of equal values) were solved.
    pub active_sets_tried: u64,
}

/// Everything known about a game's pure equilibria.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Solution {
    /// Rule name (`proportional`, `tullock`, `uniform`, `winner-take-all`, `second-price`).
    #[serde(serialize_with = "rule_name")]
    pub rule: Rule,
    /// Contest exponent for lottery rules, `null` for auctions.
    pub alpha: Option<f64>,
    /// Payment rule.
    pub payment: Payment,
    /// Values, input order.
    pub values: Vec<f64>,
    /// Whether at least one pure equilibrium exists.
    pub pure_equilibrium_exists: bool,
    /// Every pure equilibrium found (up to relabelling of equal values).
    pub equilibria: Vec<Equilibrium>,
    /// Mixed all-pay-auction equilibrium (expected bids, win probabilities) as the
    /// reference when a contest has no pure equilibrium; `null` otherwise.
    pub all_pay_limit: Option<Outcome>,
    /// First-price tick, for the auctions.
    pub tick: Option<f64>,
    /// How the search went.
    pub search: SearchInfo,
    /// Human-readable remarks (why none exists, tie rules, ...).
    pub notes: Vec<String>,
}

fn rule_name<S: Serializer>(rule: &Rule, s: S) -> Result<S::Ok, S::Error> {
    s.serialize_str(rule.name())
}

/// Find and report the pure equilibria of `game`.
pub fn solve(game: &Game) -> Solution {
    let scale = game.max_value();
    let g = game.scaled(scale);
    let alpha = game.rule().lottery_alpha();
    let mut notes = Vec::new();
    let mut search = SearchInfo {
        exhaustive: true,
        active_sets_tried: 1,
    };
    let mut all_pay_limit = None;
    let verify_all = g.n() <= VERIFY_LIMIT;
    // (candidate, must_verify)
    let candidates: Vec<(Candidate, bool)> = match (game.rule(), game.payment()) {
        (Rule::WinnerTakeAll, _) => {
            notes.push(
                "first price: the highest value wins (ties to the lower index) and pays the \
                 runner-up value, plus one tick if it would lose the tie; losers bid their values"
                    .to_string(),
            );
            if first_price_has_pure(&g) {
                vec![(single(first_price_bids(&g)), false)]
            } else {
                notes.push(
                    "all-pay auction: no pure equilibrium; the reference is its mixed equilibrium"
                        .to_string(),
                );
                all_pay_limit = all_pay_auction(game.values());
                vec![]
            }
        }
        (Rule::SecondPrice, _) => {
            notes.push(
                "second price: bidding one's value is weakly dominant; the winner (ties to the \
                 lower index) pays the second-highest bid"
                    .to_string(),
            );
            vec![(single(second_price_bids(&g)), false)]
        }
        (_, Payment::WinnerPay) => {
            let a = alpha.unwrap_or(1.0);
            vec![(single(winner_pay_bids(a, g.values())), true)]
        }
        (_, Payment::AllPay) => {
            let a = alpha.unwrap_or(1.0);
            let s = contest::candidates(a, g.values());
            search = SearchInfo {
                exhaustive: s.exhaustive,
                active_sets_tried: s.active_sets_tried,
            };
            if a > 2.0 {
                notes.push(format!(
                    "alpha = {a} > 2: an active player's utility v x (1 - alpha (1 - x)) is \
                     negative unless its share x >= 1 - 1/alpha > 1/2, so no pure equilibrium \
                     with two or more active players exists (and a lone bidder always wants to \
                     bid less)"
                ));
            }
            if a > 1.0 && a <= 2.0 {
                let mut pos: Vec<f64> = g.values().iter().copied().filter(|v| *v > 0.0).collect();
                if pos.len() == 2 {
                    pos.sort_by(|x, y| y.total_cmp(x));
                    let r = (pos[1] / pos[0]).powf(a);
                    notes.push(format!(
                        "two bidders: a pure equilibrium exists iff alpha - 1 <= (v2/v1)^alpha \
                         (the weaker bidder's utility v2 x2 (1 - alpha x1) must be >= 0); here \
                         alpha - 1 = {} and (v2/v1)^alpha = {}",
                        a - 1.0,
                        r
                    ));
                }
            }
            if !s.exhaustive {
                notes.push(format!(
                    "too many candidate active sets (> {}): only value-ordered active sets were \
                     searched",
                    contest::MAX_CANDIDATES
                ));
            }
            s.candidates.into_iter().map(|c| (c, a > 1.0)).collect()
        }
    };
    let mut equilibria = Vec::new();
    for (c, must_verify) in candidates {
        let gain = if must_verify || verify_all {
            Some(max_deviation_normalised(&g, &c.bids).gain)
        } else {
            None
        };
        let tolerance = match game.rule() {
            Rule::WinnerTakeAll => EQUILIBRIUM_TOLERANCE + g.tick(),
            _ => EQUILIBRIUM_TOLERANCE,
        };
        if must_verify && gain.is_none() {
            continue;
        }
        if gain.is_some_and(|x| x.is_nan() || x > tolerance) {
            // Either theory rules it out (alpha > 1, winner-pay) or, where theory
            // guarantees an equilibrium, the numbers failed: never report it as one.
            if !must_verify {
                notes.push(format!(
                    "a solution of the first-order conditions failed the global check (gain {}); \
                     it is not reported (numerical trouble with these values?)",
                    gain.unwrap_or(f64::NAN) * scale
                ));
            }
            continue;
        }
        let o = outcome(&g, &c.bids).rescaled(scale);
        if !o.is_finite() {
            notes.push(
                "a candidate produced non-finite numbers and is not reported (values too \
                 extreme for double precision?)"
                    .to_string(),
            );
            continue;
        }
        equilibria.push(Equilibrium {
            active: c.active,
            copies: c.copies,
            max_deviation_gain: gain.map(|x| (x * scale).max(0.0)),
            outcome: o,
        });
    }
    let exists = !equilibria.is_empty();
    if !exists && alpha.is_some() {
        if game.payment() == Payment::AllPay && alpha.is_some_and(|a| a > 1.0 && a <= 2.0) {
            notes.push(
                "no pure equilibrium: no candidate active set satisfies participation (every \
                 active share >= 1 - 1/alpha) and the global best-response check (mixed \
                 equilibria exist but are not computed)"
                    .to_string(),
            );
        }
        if game.payment() == Payment::WinnerPay {
            notes.push(
                "no pure equilibrium: the unique solution of the first-order conditions fails \
                 the global best-response check"
                    .to_string(),
            );
        }
        if game.payment() == Payment::AllPay && alpha.is_some_and(|a| a > 2.0) {
            all_pay_limit = all_pay_auction(game.values());
            if all_pay_limit.is_some() {
                notes.push(
                    "all_pay_limit: the all-pay auction (alpha -> infinity) mixed equilibrium, \
                     given as the reference"
                        .to_string(),
                );
            }
        }
    }
    Solution {
        rule: game.rule(),
        alpha,
        payment: game.payment(),
        values: game.values().to_vec(),
        pure_equilibrium_exists: exists,
        equilibria,
        all_pay_limit,
        tick: match game.rule() {
            Rule::WinnerTakeAll | Rule::SecondPrice => Some(game.tick()),
            _ => None,
        },
        search,
        notes,
    }
}

fn single(bids: Vec<f64>) -> Candidate {
    let active = (0..bids.len()).filter(|&i| bids[i] > 0.0).collect();
    Candidate {
        bids,
        active,
        copies: 1,
    }
}
