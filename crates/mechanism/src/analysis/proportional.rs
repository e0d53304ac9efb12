//! Closed-form equilibrium of the proportional all-pay contest (Tullock alpha = 1).
//!
//! Derivation (complete information, risk-neutral players). With `S = sum_j b_j`, player
//! i maximises `v_i b_i / S - b_i`. An active player's first-order condition
//! `v_i (S - b_i) / S^2 = 1` gives `b_i = S (1 - S / v_i)`, which is positive exactly when
//! `v_i > S`; an inactive player needs `v_i / S - 1 <= 0`, i.e. `v_i <= S`. Summing the
//! active players' bids, `S = k S - S^2 H` with `H = sum_{active} 1/v_i`, so
//! `S = (k - 1) / H`. Hence the active set is `{i : v_i > S}`, a prefix of the values
//! sorted in descending order.
//!
//! Which prefix: write `S_k = (k-1) / H_k` over the top k values. Since
//! `v_k H_k = v_k H_{k-1} + 1`, the test `v_k > S_k` is equivalent to `v_k > S_{k-1}`,
//! and `v_{k+1} <= S_k` to `v_{k+1} <= S_{k+1}`. If the test fails for k it fails for
//! every larger k (values only decrease while `S` stops growing), so the active set is
//! the largest k passing `v_k > S_k`; k = 2 always passes when `v_2 > 0`. Payoffs are
//! strictly concave in the own bid, so these first-order conditions are sufficient and
//! the equilibrium is unique. Two players give the article's
//! `b_1 = v_1^2 v_2 / (v_1 + v_2)^2`. Cost: one sort, O(n log n).

use super::numeric::sum;

/// Equilibrium of proportional all-pay: bids in input order and the number of active
/// players. Needs at least two positive values (checked by [`super::Game::new`]).
pub fn proportional_bids(values: &[f64]) -> (Vec<f64>, usize) {
    let mut order: Vec<(f64, usize)> = values.iter().copied().zip(0..).collect();
    order.sort_unstable_by(|a, b| b.0.total_cmp(&a.0).then(a.1.cmp(&b.1)));
    // Walk the sorted values with a compensated running sum of reciprocals.
    let mut h = 0.0_f64;
    let mut c = 0.0_f64;
    let mut active = 0usize;
    let mut h_active = 0.0;
    for (k, &(v, _)) in order.iter().enumerate() {
        if v <= 0.0 {
            break;
        }
        let r = 1.0 / v;
        let t = h + r;
        if h.abs() >= r.abs() {
            c += (h - t) + r;
        } else {
            c += (r - t) + h;
        }
        h = t;
        let hk = h + c;
        let k1 = k + 1;
        if k1 >= 2 && v <= (k1 - 1) as f64 / hk {
            break;
        }
        active = k1;
        h_active = hk;
    }
    let mut bids = vec![0.0; values.len()];
    if active < 2 {
        return (bids, 0);
    }
    let s = (active - 1) as f64 / h_active;
    for &(v, i) in order.iter().take(active) {
        bids[i] = s * (1.0 - s / v);
    }
    (bids, active)
}

/// Total bid (= revenue) of the proportional all-pay equilibrium.
pub fn proportional_revenue(values: &[f64]) -> f64 {
    sum(proportional_bids(values).0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn article_example() {
        let (b, k) = proportional_bids(&[4.0, 2.0]);
        assert_eq!(k, 2);
        assert!((b[0] - 8.0 / 9.0).abs() < 1e-15);
        assert!((b[1] - 4.0 / 9.0).abs() < 1e-15);
    }

    #[test]
    fn weak_player_drops_out() {
        // S for the top two is 4/3 (values 4, 2); a value of 1 < 4/3 stays out.
        let (b, k) = proportional_bids(&[1.0, 4.0, 2.0]);
        assert_eq!(k, 2);
        assert_eq!(b[0], 0.0);
        assert!((b[1] + b[2] - 4.0 / 3.0).abs() < 1e-15);
    }
}
