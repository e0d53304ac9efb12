//! Small numerical tools shared by the solvers.
//!
//! The equilibrium maths reduces to one-dimensional monotone equations and
//! one-dimensional maximisation; these helpers do both robustly (bisection rather than
//! Newton, so no starting point can diverge) and keep sums accurate for large inputs.

/// Sum with Neumaier compensation, so a million small terms do not lose digits.
pub(crate) fn sum(xs: impl IntoIterator<Item = f64>) -> f64 {
    let mut s = 0.0_f64;
    let mut c = 0.0_f64;
    for x in xs {
        let t = s + x;
        if s.abs() >= x.abs() {
            c += (s - t) + x;
        } else {
            c += (x - t) + s;
        }
        s = t;
    }
    s + c
}

/// `ln(sum(exp(l)))` over the finite entries, `-inf` when there are none.
///
/// Lottery allocations are ratios of `b^alpha`, which overflow or underflow for large
/// alpha; working with logarithms keeps them exact to rounding.
pub(crate) fn log_sum_exp(ls: impl IntoIterator<Item = f64> + Clone) -> f64 {
    let max = ls
        .clone()
        .into_iter()
        .fold(f64::NEG_INFINITY, |m, l| if l > m { l } else { m });
    if max == f64::NEG_INFINITY {
        return f64::NEG_INFINITY;
    }
    max + sum(ls.into_iter().map(|l| (l - max).exp())).ln()
}

/// `ln(1 + e^s)` without overflow.
pub(crate) fn softplus(s: f64) -> f64 {
    if s > 0.0 {
        s + (-s).exp().ln_1p()
    } else {
        s.exp().ln_1p()
    }
}

/// Root of a non-increasing function on `[lo, hi]` by bisection, run until the bracket
/// cannot shrink any further in floating point.
///
/// The caller guarantees `f(lo) >= 0 >= f(hi)`; if not, the nearer end is returned.
pub(crate) fn bisect_decreasing(mut lo: f64, mut hi: f64, f: impl Fn(f64) -> f64) -> f64 {
    for _ in 0..2200 {
        let mid = 0.5 * (lo + hi);
        if mid <= lo || mid >= hi {
            break;
        }
        let v = f(mid);
        if v == 0.0 {
            return mid;
        }
        if v > 0.0 {
            lo = mid;
        } else {
            hi = mid;
        }
    }
    0.5 * (lo + hi)
}

/// Maximiser of `f` on `[lo, hi]` by golden-section search.
///
/// Used only to polish a bracket that a grid has already shown to contain a local
/// maximum, so unimodality inside the bracket is all it needs.
pub(crate) fn golden_max(mut lo: f64, mut hi: f64, f: &impl Fn(f64) -> f64) -> (f64, f64) {
    const INV_PHI: f64 = 0.618_033_988_749_894_8;
    let mut a = hi - INV_PHI * (hi - lo);
    let mut b = lo + INV_PHI * (hi - lo);
    let mut fa = f(a);
    let mut fb = f(b);
    for _ in 0..200 {
        if hi - lo <= 1e-15 * (1.0 + hi.abs()) {
            break;
        }
        if fa >= fb {
            hi = b;
            b = a;
            fb = fa;
            a = hi - INV_PHI * (hi - lo);
            fa = f(a);
        } else {
            lo = a;
            a = b;
            fa = fb;
            b = lo + INV_PHI * (hi - lo);
            fb = f(b);
        }
    }
    if fa >= fb { (a, fa) } else { (b, fb) }
}

/// Best point of `f` on `[0, upper]`: a fine uniform grid, a logarithmic grid near zero
/// (where small bids matter), the caller's extra points, then golden-section polish
/// around the best local maxima of the grid.
///
/// Payoffs of contests with alpha > 1 and of auctions are not concave, so a local
/// first-order check is not enough; this is the global search the verifier relies on.
pub(crate) fn global_max(upper: f64, extra: &[f64], f: impl Fn(f64) -> f64) -> (f64, f64) {
    const UNIFORM: usize = 2000;
    const LOG: usize = 240;
    let mut pts: Vec<f64> = Vec::with_capacity(UNIFORM + LOG + extra.len() + 2);
    if upper > 0.0 && upper.is_finite() {
        for i in 0..=UNIFORM {
            pts.push(upper * i as f64 / UNIFORM as f64);
        }
        for i in 0..LOG {
            pts.push(upper * 10f64.powf(-12.0 + 12.0 * i as f64 / LOG as f64));
        }
    }
    pts.push(0.0);
    pts.extend(extra.iter().copied().filter(|x| x.is_finite() && *x >= 0.0));
    pts.sort_by(f64::total_cmp);
    pts.dedup();
    let vals: Vec<f64> = pts.iter().map(|&x| f(x)).collect();
    let mut best = (0.0, f64::NEG_INFINITY);
    for (&x, &v) in pts.iter().zip(&vals) {
        if v > best.1 {
            best = (x, v);
        }
    }
    // Polish the best few local maxima of the grid.
    let mut peaks: Vec<usize> = (0..pts.len())
        .filter(|&i| {
            let left = i == 0 || vals[i] >= vals[i - 1];
            let right = i + 1 == pts.len() || vals[i] >= vals[i + 1];
            left && right
        })
        .collect();
    peaks.sort_by(|&a, &b| vals[b].total_cmp(&vals[a]));
    for &i in peaks.iter().take(8) {
        let lo = if i == 0 { pts[0] } else { pts[i - 1] };
        let hi = if i + 1 == pts.len() {
            pts[i]
        } else {
            pts[i + 1]
        };
        if hi > lo {
            let (x, v) = golden_max(lo, hi, &f);
            if v > best.1 {
                best = (x, v);
            }
        }
    }
    best
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bisection_finds_root() {
        let r = bisect_decreasing(0.0, 4.0, |x| 2.0 - x);
        assert!((r - 2.0).abs() < 1e-15);
    }

    #[test]
    fn global_max_finds_far_peak() {
        let g = |x: f64| (x * 3.0).sin() * x;
        let (x, v) = global_max(3.0, &[], g);
        assert!(v >= g(x) - 1e-15 && x > 1.0);
    }

    #[test]
    fn log_sum_exp_handles_empty_and_large() {
        assert_eq!(log_sum_exp(Vec::<f64>::new()), f64::NEG_INFINITY);
        let l = log_sum_exp(vec![1000.0, 1000.0]);
        assert!((l - (1000.0 + 2f64.ln())).abs() < 1e-12);
    }
}
