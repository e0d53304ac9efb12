//! Statistics of a run: confidence intervals for shares and means, running and rolling
//! means for the plots, and when a learner's bids settle near the equilibrium.

/// z for a two-sided 95% interval.
pub const Z95: f64 = 1.959_963_984_540_054;

/// Wilson score interval for a binomial proportion `successes / n` at 95%.
///
/// Unlike the normal approximation it stays inside [0, 1] and is sensible at 0 and n
/// (winner-take-all gives one builder every slot), which is why it is used for shares.
pub fn wilson(successes: u64, n: u64) -> (f64, f64) {
    if n == 0 {
        return (0.0, 1.0);
    }
    let n = n as f64;
    let p = successes as f64 / n;
    let z2 = Z95 * Z95;
    let centre = (p + z2 / (2.0 * n)) / (1.0 + z2 / n);
    let half = Z95 * (p * (1.0 - p) / n + z2 / (4.0 * n * n)).sqrt() / (1.0 + z2 / n);
    // At 0 and n the bound is exactly 0 or 1; rounding would leave it a hair inside.
    let lo = if successes == 0 {
        0.0
    } else {
        (centre - half).max(0.0)
    };
    let hi = if successes as f64 == n {
        1.0
    } else {
        (centre + half).min(1.0)
    };
    (lo, hi)
}

/// Mean and normal-approximation 95% interval of a sample (of per-slot burns, say).
pub fn mean_ci(xs: &[f64]) -> (f64, (f64, f64)) {
    let n = xs.len() as f64;
    if xs.is_empty() {
        return (0.0, (0.0, 0.0));
    }
    let mean = xs.iter().sum::<f64>() / n;
    if xs.len() < 2 {
        return (mean, (mean, mean));
    }
    let var = xs.iter().map(|x| (x - mean).powi(2)).sum::<f64>() / (n - 1.0);
    let half = Z95 * (var / n).sqrt();
    (mean, (mean - half, mean + half))
}

/// `out[t]` = mean of `xs[..=t]`.
pub fn running_mean(xs: &[f64]) -> Vec<f64> {
    let mut sum = 0.0;
    xs.iter()
        .enumerate()
        .map(|(t, x)| {
            sum += x;
            sum / (t + 1) as f64
        })
        .collect()
}

/// `out[t]` = mean of the last `window` values up to `t` (fewer at the start).
pub fn rolling_mean(xs: &[f64], window: usize) -> Vec<f64> {
    let window = window.max(1);
    let mut sum = 0.0;
    xs.iter()
        .enumerate()
        .map(|(t, x)| {
            sum += x;
            if t >= window {
                sum -= xs[t - window];
            }
            sum / (t + 1).min(window) as f64
        })
        .collect()
}

/// How close a learner's bids came to the equilibrium's, and from when on they stayed.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct Convergence {
    /// Rolling-mean window (rounds).
    pub window: usize,
    /// Relative gap counted as "at the equilibrium".
    pub tolerance: f64,
    /// First round from which the rolling-mean bid stays within `tolerance` of the
    /// rolling-mean equilibrium bid until the end; `None` if it never settles.
    pub settled_at_round: Option<usize>,
    /// Relative gap `|mean bid - equilibrium| / equilibrium` over the first and last window.
    pub first_gap: f64,
    pub last_gap: f64,
}

/// Compares `bids` with the per-round equilibrium bids `targets` (same units).
/// Gaps are relative to the equilibrium bid, or to `floor` where that is smaller (a
/// player whose equilibrium bid is zero is measured against the floor, e.g. one value
/// unit).
pub fn convergence(
    bids: &[f64],
    targets: &[f64],
    window: usize,
    tolerance: f64,
    floor: f64,
) -> Convergence {
    let b = rolling_mean(bids, window);
    let t = rolling_mean(targets, window);
    let gaps: Vec<f64> = b
        .iter()
        .zip(&t)
        .map(|(b, t)| (b - t).abs() / t.abs().max(floor))
        .collect();
    let first = window.min(gaps.len()).saturating_sub(1);
    let settled_at_round = match gaps.iter().rposition(|g| *g > tolerance) {
        None if !gaps.is_empty() => Some(0),
        None => None,
        Some(i) if i + 1 < gaps.len() => Some(i + 1),
        Some(_) => None,
    };
    Convergence {
        window,
        tolerance,
        settled_at_round,
        first_gap: gaps.get(first).copied().unwrap_or(f64::NAN),
        last_gap: gaps.last().copied().unwrap_or(f64::NAN),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wilson_known_values() {
        // 2/3 of 10,000: the interval is about +-0.0092.
        let (lo, hi) = wilson(6667, 10_000);
        assert!(lo < 2.0 / 3.0 && 2.0 / 3.0 < hi);
        assert!((hi - lo - 2.0 * 0.00924).abs() < 2e-4, "{lo} {hi}");
        let (lo, hi) = wilson(10, 10);
        assert_eq!(hi, 1.0);
        assert!(lo > 0.69 && lo < 0.73, "{lo}");
        assert_eq!(wilson(0, 0), (0.0, 1.0));
    }

    #[test]
    fn means() {
        assert_eq!(running_mean(&[1.0, 3.0, 5.0]), vec![1.0, 2.0, 3.0]);
        assert_eq!(
            rolling_mean(&[1.0, 3.0, 5.0, 7.0], 2),
            vec![1.0, 2.0, 4.0, 6.0]
        );
        let (m, (lo, hi)) = mean_ci(&[1.0, 1.0, 1.0]);
        assert_eq!((m, lo, hi), (1.0, 1.0, 1.0));
    }

    #[test]
    fn convergence_finds_the_settling_round() {
        let targets = vec![1.0; 100];
        let mut bids = vec![0.0; 100];
        for (t, b) in bids.iter_mut().enumerate() {
            *b = if t < 40 { 0.5 } else { 1.0 };
        }
        let c = convergence(&bids, &targets, 10, 0.01, 1e-9);
        assert_eq!(c.settled_at_round, Some(49));
        assert!((c.first_gap - 0.5).abs() < 1e-12);
        assert_eq!(c.last_gap, 0.0);
        let c = convergence(&vec![0.5; 100], &targets, 10, 0.05, 1e-9);
        assert_eq!(c.settled_at_round, None);
    }
}
