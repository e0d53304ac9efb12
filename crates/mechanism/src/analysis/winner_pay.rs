//! Pure equilibrium of the winner-pay lotteries (losers refunded).
//!
//! Player i's utility is `x_i (v_i - b_i)`: it pays its bid only when it wins. Bidding
//! zero earns nothing while any bid in `(0, v_i)` earns a positive amount, so every
//! player with a positive value is active. With `dx_i/db_i = alpha x_i (1 - x_i) / b_i`
//! the first-order condition `alpha (1 - x_i)(v_i - b_i) = b_i` gives
//!
//! ```text
//! b_i = phi_i(x_i) = alpha (1 - x_i) v_i / (1 + alpha (1 - x_i)).
//! ```
//!
//! With `T = sum_j b_j^alpha`, consistency `x_i T = phi_i(x_i)^alpha` has exactly one
//! root `x_i(T)` (left side rising, right side falling in `x_i`), and `x_i(T)` falls as
//! `T` grows, so `sum_i x_i(T) = 1` has exactly one solution: the first-order conditions
//! have a unique solution for every alpha > 0. Payoffs are not concave for large alpha,
//! so that solution is an equilibrium only if global best responses confirm it; when they
//! do not, no pure equilibrium exists (any pure equilibrium would solve the same system).

use super::numeric::{bisect_decreasing, softplus};

/// Bids solving the winner-pay first-order conditions (values normalised to max 1).
pub(crate) fn winner_pay_bids(alpha: f64, values: &[f64]) -> Vec<f64> {
    let n = values.len();
    let mut bids = vec![0.0; n];
    if alpha == 0.0 {
        return bids;
    }
    let active: Vec<usize> = (0..n).filter(|&i| values[i] > 0.0).collect();
    let k = active.len();
    if k < 2 {
        return bids;
    }
    // ln phi_i(x) in logit coordinates s (x = 1 / (1 + e^-s)).
    let ln_phi = |s: f64, v: f64| {
        let one_minus_x = 1.0 / (1.0 + s.exp());
        alpha.ln() - softplus(s) + v.ln() - (alpha * one_minus_x).ln_1p()
    };
    // x_i(M) with M = ln T: root of ln x - alpha ln phi_i(x) + M = 0 (rising in s).
    let share = |m: f64, v: f64| {
        let s = bisect_decreasing(-745.0, 745.0, |s| {
            -(-softplus(-s) - alpha * ln_phi(s, v) + m)
        });
        1.0 / (1.0 + (-s).exp())
    };
    let s_k = -((k - 1) as f64).ln();
    let m_at = |v: f64| alpha * ln_phi(s_k, v) + (k as f64).ln();
    let (mut m_lo, mut m_hi) = (f64::INFINITY, f64::NEG_INFINITY);
    for &i in &active {
        let m = m_at(values[i]);
        m_lo = m_lo.min(m);
        m_hi = m_hi.max(m);
    }
    let total = |m: f64| active.iter().map(|&i| share(m, values[i])).sum::<f64>() - 1.0;
    let m = if m_hi > m_lo {
        bisect_decreasing(m_lo, m_hi, total)
    } else {
        m_lo
    };
    for &i in &active {
        let x = share(m, values[i]);
        bids[i] = alpha * (1.0 - x) * values[i] / (1.0 + alpha * (1.0 - x));
    }
    bids
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn symmetric_proportional_winner_pay() {
        // Two equal players, alpha = 1: x = 1/2 and b = (1/2) v / (3/2) = v / 3.
        let b = winner_pay_bids(1.0, &[1.0, 1.0]);
        assert!((b[0] - 1.0 / 3.0).abs() < 1e-12);
        assert!((b[1] - 1.0 / 3.0).abs() < 1e-12);
    }
}
