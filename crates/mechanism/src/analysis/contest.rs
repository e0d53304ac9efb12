//! Pure equilibria of the all-pay Tullock contest `x_i = b_i^alpha / sum_j b_j^alpha`.
//!
//! Derivation. `dx_i/db_i = alpha x_i (1 - x_i) / b_i`, so an active player's
//! first-order condition is `b_i = alpha v_i x_i (1 - x_i)`. Substituting
//! `b_i = (x_i T)^(1/alpha)` with `T = sum_j b_j^alpha` gives, for every active i,
//!
//! ```text
//! v_i g(x_i) = c,   g(x) = x^beta (1 - x),   beta = (alpha - 1) / alpha,
//! ```
//!
//! with one common constant `c` and `sum_{active} x_i = 1`. At a candidate, an active
//! player's utility is `v_i x_i (1 - alpha (1 - x_i))`, while bidding zero earns 0, so
//! participation needs `x_i >= 1 - 1/alpha = beta` when alpha > 1. Consequences:
//! - alpha < 1: `g` falls from +inf to 0, every player with a positive value is active,
//!   the payoff is concave in the own bid and the equilibrium is unique;
//! - alpha = 1: the closed form of [`super::proportional`];
//! - 1 < alpha <= 2: `g` rises on `(0, beta/(1+beta))` and falls after, and
//!   participation confines shares to `[beta, 1)` where `g` falls, so each active set has
//!   at most one candidate, and at most `1/beta` players can be active. Payoffs are not
//!   concave (zero can beat the interior critical point), so each candidate is kept only
//!   if every player's *global* best response confirms it. Equilibria need not be
//!   ordered by value (a high-value outsider can be deterred while lower values bid), so
//!   all active sets are searched, up to relabelling of equal values;
//! - alpha > 2: `x_i >= beta > 1/2` for two or more active players is impossible, and a
//!   single active player would rather bid less, so there is no pure equilibrium.

use super::numeric::{bisect_decreasing, softplus};
use super::proportional::proportional_bids;

/// Largest number of candidate active sets (up to relabelling) searched exhaustively;
/// beyond it only the value-ordered prefixes are tried and the search says so.
pub const MAX_CANDIDATES: u64 = 50_000;

/// A solution of the first-order conditions, before verification.
#[derive(Debug, Clone)]
pub(crate) struct Candidate {
    /// Bids of all players (input order; zero for inactive ones).
    pub bids: Vec<f64>,
    /// Indices of the active players.
    pub active: Vec<usize>,
    /// How many equilibria this one stands for by permuting equal-valued players.
    pub copies: u64,
}

/// Output of the candidate search.
#[derive(Debug, Clone)]
pub(crate) struct Search {
    pub candidates: Vec<Candidate>,
    pub exhaustive: bool,
    pub active_sets_tried: u64,
}

/// Candidate equilibria of the all-pay contest for values normalised to max 1.
///
/// For alpha <= 1 the single candidate is the equilibrium; for alpha in (1, 2] every
/// returned candidate still has to pass the global best-response check.
pub(crate) fn candidates(alpha: f64, values: &[f64]) -> Search {
    let n = values.len();
    let single = |bids: Vec<f64>| {
        let active = (0..n).filter(|&i| bids[i] > 0.0).collect();
        Search {
            candidates: vec![Candidate {
                bids,
                active,
                copies: 1,
            }],
            exhaustive: true,
            active_sets_tried: 1,
        }
    };
    if alpha == 0.0 {
        return single(vec![0.0; n]);
    }
    if alpha == 1.0 {
        return single(proportional_bids(values).0);
    }
    let positive: Vec<usize> = (0..n).filter(|&i| values[i] > 0.0).collect();
    if alpha < 1.0 {
        let mut bids = vec![0.0; n];
        if let Some(x) = shares(
            alpha,
            &positive.iter().map(|&i| values[i]).collect::<Vec<_>>(),
        ) {
            for (&i, xi) in positive.iter().zip(x) {
                bids[i] = alpha * values[i] * xi * (1.0 - xi);
            }
        }
        return single(bids);
    }
    if alpha > 2.0 {
        return Search {
            candidates: vec![],
            exhaustive: true,
            active_sets_tried: 0,
        };
    }
    search_active_sets(alpha, values, &positive)
}

/// Enumerate active sets for 1 < alpha <= 2 and solve each one.
fn search_active_sets(alpha: f64, values: &[f64], positive: &[usize]) -> Search {
    let beta = (alpha - 1.0) / alpha;
    let kmax = ((1.0 / beta) * (1.0 + 1e-12)).floor() as usize;
    // Group equal values: choosing *how many* of a group are active is enough.
    let mut groups: Vec<(f64, Vec<usize>)> = Vec::new();
    let mut sorted = positive.to_vec();
    sorted.sort_by(|&a, &b| values[b].total_cmp(&values[a]).then(a.cmp(&b)));
    for i in sorted {
        match groups.last_mut() {
            Some((v, members)) if *v == values[i] => members.push(i),
            _ => groups.push((values[i], vec![i])),
        }
    }
    let total = count_count_vectors(&groups, kmax, MAX_CANDIDATES + 1);
    let exhaustive = total <= MAX_CANDIDATES;
    let mut counts_list: Vec<Vec<usize>> = Vec::new();
    if exhaustive {
        let mut counts = vec![0usize; groups.len()];
        enumerate(&groups, 0, 0, kmax, &mut counts, &mut counts_list);
    } else {
        // Value-ordered prefixes only: the top k players for every feasible k.
        for k in 2..=kmax.min(positive.len()) {
            let mut left = k;
            let counts = groups
                .iter()
                .map(|(_, m)| {
                    let c = left.min(m.len());
                    left -= c;
                    c
                })
                .collect();
            counts_list.push(counts);
        }
    }
    let mut out = Vec::new();
    let tried = counts_list.len() as u64;
    for counts in counts_list {
        let mut active = Vec::new();
        let mut active_values = Vec::new();
        let mut copies: u64 = 1;
        for ((v, members), &c) in groups.iter().zip(&counts) {
            active.extend_from_slice(&members[..c]);
            active_values.extend(std::iter::repeat_n(*v, c));
            copies = copies.saturating_mul(binomial(members.len() as u64, c as u64));
        }
        let Some(x) = shares(alpha, &active_values) else {
            continue;
        };
        // Participation: every active share at least beta (up to rounding).
        if x.iter().any(|&xi| xi < beta - 1e-9) {
            continue;
        }
        let mut bids = vec![0.0; values.len()];
        for (&i, xi) in active.iter().zip(&x) {
            bids[i] = alpha * values[i] * xi * (1.0 - xi);
        }
        active.sort_unstable();
        out.push(Candidate {
            bids,
            active,
            copies,
        });
    }
    Search {
        candidates: out,
        exhaustive,
        active_sets_tried: tried,
    }
}

/// Number of count vectors with total in `[2, kmax]`, stopping early at `cap`.
fn count_count_vectors(groups: &[(f64, Vec<usize>)], kmax: usize, cap: u64) -> u64 {
    // ways[s] = number of ways to reach total s with the groups seen so far.
    let mut ways = vec![0u64; kmax + 1];
    ways[0] = 1;
    for (_, m) in groups {
        let mut next = vec![0u64; kmax + 1];
        for (s, &w) in ways.iter().enumerate() {
            if w == 0 {
                continue;
            }
            for c in 0..=m.len().min(kmax - s) {
                next[s + c] = next[s + c].saturating_add(w).min(cap);
            }
        }
        ways = next;
    }
    ways.iter()
        .skip(2)
        .fold(0u64, |a, &w| a.saturating_add(w).min(cap))
}

fn enumerate(
    groups: &[(f64, Vec<usize>)],
    g: usize,
    used: usize,
    kmax: usize,
    counts: &mut Vec<usize>,
    out: &mut Vec<Vec<usize>>,
) {
    if g == groups.len() {
        if used >= 2 {
            out.push(counts.clone());
        }
        return;
    }
    for c in 0..=groups[g].1.len().min(kmax - used) {
        counts[g] = c;
        enumerate(groups, g + 1, used + c, kmax, counts, out);
    }
    counts[g] = 0;
}

fn binomial(n: u64, k: u64) -> u64 {
    let k = k.min(n - k);
    let mut r: u64 = 1;
    for i in 0..k {
        r = r.saturating_mul(n - i) / (i + 1);
    }
    r
}

/// Shares solving `v_i g(x_i) = c`, `sum x_i = 1` on the falling branch of `g`
/// (`x >= max(0, beta)`), or `None` when no such solution exists.
fn shares(alpha: f64, active_values: &[f64]) -> Option<Vec<f64>> {
    let k = active_values.len();
    if k < 2 {
        return None;
    }
    let beta = (alpha - 1.0) / alpha;
    let x_lo = beta.max(0.0);
    if k as f64 * x_lo > 1.0 + 1e-12 {
        return None;
    }
    // Shares are found in logit coordinates so both x and 1 - x keep full precision.
    let s_lo = if x_lo > 0.0 {
        (x_lo / (1.0 - x_lo)).ln()
    } else {
        -745.0
    };
    let ln_g = |s: f64| -beta * softplus(-s) - softplus(s);
    let ln_g_lo = ln_g(s_lo);
    let share = |l: f64, v: f64| -> f64 {
        let target = l - v.ln();
        if ln_g_lo <= target {
            return x_lo;
        }
        let s = bisect_decreasing(s_lo, 745.0, |s| ln_g(s) - target);
        1.0 / (1.0 + (-s).exp())
    };
    let share = |l: f64, v: f64| {
        let x = share(l, v);
        if x_lo == 0.0 && x <= 1e-300 { 0.0 } else { x }
    };
    let vmin = active_values.iter().copied().fold(f64::INFINITY, f64::min);
    let vmax = active_values.iter().copied().fold(0.0, f64::max);
    let s_k = -((k - 1) as f64).ln(); // logit(1/k)
    let l_lo = vmin.ln() + ln_g(s_k);
    let l_hi = vmax.ln() + ln_g(s_k);
    let total = |l: f64| active_values.iter().map(|&v| share(l, v)).sum::<f64>() - 1.0;
    let l = if l_hi > l_lo {
        bisect_decreasing(l_lo, l_hi, total)
    } else {
        l_lo
    };
    // For alpha > 1, a share pinned at the lower end of the branch means that player's
    // first-order condition has no solution there: not a candidate. For alpha < 1 the
    // lower end is a share below the smallest positive double, i.e. zero.
    if x_lo > 0.0 && active_values.iter().any(|&v| ln_g_lo < l - v.ln() - 1e-9) {
        return None;
    }
    let mut x: Vec<f64> = active_values.iter().map(|&v| share(l, v)).collect();
    let sum: f64 = x.iter().sum();
    if !(sum.is_finite() && (sum - 1.0).abs() < 1e-6) {
        return None;
    }
    for xi in &mut x {
        *xi /= sum;
    }
    Some(x)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn two_player_closed_form() {
        // x_1 / x_2 = (v_1 / v_2)^alpha for two players.
        for &alpha in &[0.3, 0.7, 1.2] {
            let x = shares(alpha, &[1.0, 0.5]).unwrap();
            let want = 1.0 / (1.0 + 0.5f64.powf(alpha));
            assert!((x[0] - want).abs() < 1e-12, "alpha {alpha}: {x:?}");
        }
    }

    #[test]
    fn no_candidates_above_two() {
        assert!(candidates(2.5, &[1.0, 0.5]).candidates.is_empty());
    }

    #[test]
    fn binomials() {
        assert_eq!(binomial(8, 2), 28);
        assert_eq!(binomial(5, 0), 1);
    }
}
