//! Helpers shared by the analysis integration tests (a module of each test file).

#![allow(dead_code)]

use etn_mechanism::analysis::{Game, mechanics::outcome};

/// Largest gain any player gets by a unilateral deviation, found by a brute-force search
/// that is independent of the crate's own verifier: it recomputes the whole outcome for
/// every trial bid (a uniform grid over `[0, v_i]`, the others' bids and their next
/// representable numbers, then golden-section refinement around the best grid points).
pub fn brute_force_gain(game: &Game, bids: &[f64]) -> f64 {
    let base = outcome(game, bids).utilities;
    let mut worst = f64::NEG_INFINITY;
    for i in 0..bids.len() {
        let u = |b: f64| {
            let mut trial = bids.to_vec();
            trial[i] = b;
            outcome(game, &trial).utilities[i]
        };
        let v = game.values()[i];
        let mut pts: Vec<f64> = (0..=3000).map(|k| v * k as f64 / 3000.0).collect();
        pts.extend((0..60).map(|k| v * 10f64.powf(-9.0 + 9.0 * k as f64 / 60.0)));
        for (j, &b) in bids.iter().enumerate() {
            if j != i {
                pts.extend([b, b.next_up(), b + game.tick()]);
            }
        }
        pts.retain(|x| x.is_finite() && *x >= 0.0);
        pts.sort_by(f64::total_cmp);
        pts.dedup();
        let vals: Vec<f64> = pts.iter().map(|&b| u(b)).collect();
        let mut best = vals.iter().copied().fold(f64::NEG_INFINITY, f64::max);
        let mut order: Vec<usize> = (0..pts.len()).collect();
        order.sort_by(|&a, &b| vals[b].total_cmp(&vals[a]));
        for &k in order.iter().take(4) {
            let (mut lo, mut hi) = (pts[k.saturating_sub(1)], pts[(k + 1).min(pts.len() - 1)]);
            for _ in 0..80 {
                let m1 = lo + (hi - lo) / 3.0;
                let m2 = hi - (hi - lo) / 3.0;
                if u(m1) < u(m2) {
                    lo = m1;
                } else {
                    hi = m2;
                }
            }
            best = best.max(u(0.5 * (lo + hi)));
        }
        worst = worst.max(best - base[i]);
    }
    worst
}

/// `|a - b| <= tol * max(1, |b|)`.
pub fn close(a: f64, b: f64, tol: f64) -> bool {
    (a - b).abs() <= tol * b.abs().max(1.0)
}
