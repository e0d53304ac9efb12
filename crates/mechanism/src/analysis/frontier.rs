//! The revenue/fairness frontier: sweep the Tullock exponent alpha for one value vector
//! and record every pure equilibrium's revenue and fairness, where pure equilibria stop
//! (or start) existing, and the reference rules for comparison.
//!
//! This is the article's trade-off as a curve: alpha = 0 (uniform) is perfectly fair and
//! earns nothing, alpha = 1 is proportional, and large alpha approaches the all-pay
//! auction; winner-take-all and second price sit at zero fairness.

use super::error::AnalysisError;
use super::game::{Game, Payment, Rule};
use super::metrics::Outcome;
use super::solve::solve;
use serde::Serialize;

/// Most sweep points accepted.
pub const MAX_STEPS: usize = 100_000;

/// Pure equilibria (or none) at one alpha.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct FrontierPoint {
    /// Contest exponent.
    pub alpha: f64,
    /// Whether a pure equilibrium exists.
    pub pure_equilibrium_exists: bool,
    /// Every pure equilibrium's outcome.
    pub equilibria: Vec<Outcome>,
    /// All-pay-auction reference where no pure equilibrium exists and alpha > 2.
    pub all_pay_limit: Option<Outcome>,
}

/// Where existence of pure equilibria changes between two sweep points.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Boundary {
    /// Bisected alpha of the change (within 1e-9 of the true switch point).
    pub alpha: f64,
    /// Whether pure equilibria exist just below `alpha`.
    pub exists_below: bool,
}

/// A reference rule's equilibrium on the same values.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ReferencePoint {
    /// `proportional`, `uniform`, `winner-take-all`, `second-price` or `all-pay-auction`.
    pub name: String,
    /// Its outcome.
    pub outcome: Outcome,
}

/// The whole sweep.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Frontier {
    /// Values, input order.
    pub values: Vec<f64>,
    /// Payment rule of the contests.
    pub payment: Payment,
    /// One entry per swept alpha.
    pub points: Vec<FrontierPoint>,
    /// Where pure equilibria stop or start existing.
    pub boundaries: Vec<Boundary>,
    /// Reference rules.
    pub references: Vec<ReferencePoint>,
}

/// Sweep alpha over `steps` evenly spaced values in `[alpha_min, alpha_max]`.
pub fn frontier(
    values: &[f64],
    payment: Payment,
    alpha_min: f64,
    alpha_max: f64,
    steps: usize,
) -> Result<Frontier, AnalysisError> {
    for a in [alpha_min, alpha_max] {
        if !(a.is_finite() && a >= 0.0) {
            return Err(AnalysisError::InvalidAlpha(a));
        }
    }
    if alpha_max < alpha_min {
        return Err(AnalysisError::InvalidSweep(format!(
            "alpha-max {alpha_max} is below alpha-min {alpha_min}"
        )));
    }
    if steps == 0 || steps > MAX_STEPS || (steps == 1 && alpha_max > alpha_min) {
        return Err(AnalysisError::InvalidSweep(format!(
            "steps is {steps}: it must be between 2 and {MAX_STEPS} (1 only when alpha-min = alpha-max)"
        )));
    }
    // Validate once, with the alpha of the first point.
    let base = Game::new(
        values.to_vec(),
        Rule::Tullock { alpha: alpha_min },
        Some(payment),
    )?;
    let at = |alpha: f64| {
        let game = base.with_rule(Rule::Tullock { alpha });
        solve(&game)
    };
    let mut points = Vec::with_capacity(steps);
    for s in 0..steps {
        let alpha = if steps == 1 {
            alpha_min
        } else if s + 1 == steps {
            alpha_max
        } else {
            alpha_min + (alpha_max - alpha_min) * s as f64 / (steps - 1) as f64
        };
        let sol = at(alpha);
        points.push(FrontierPoint {
            alpha,
            pure_equilibrium_exists: sol.pure_equilibrium_exists,
            equilibria: sol.equilibria.into_iter().map(|e| e.outcome).collect(),
            all_pay_limit: sol.all_pay_limit,
        });
    }
    let mut boundaries = Vec::new();
    for w in points.windows(2) {
        let (lo, hi) = (&w[0], &w[1]);
        if lo.pure_equilibrium_exists != hi.pure_equilibrium_exists {
            let (mut a, mut b) = (lo.alpha, hi.alpha);
            while b - a > 1e-9 {
                let m = 0.5 * (a + b);
                if at(m).pure_equilibrium_exists == lo.pure_equilibrium_exists {
                    a = m;
                } else {
                    b = m;
                }
            }
            boundaries.push(Boundary {
                alpha: 0.5 * (a + b),
                exists_below: lo.pure_equilibrium_exists,
            });
        }
    }
    let mut references = Vec::new();
    let mut reference = |name: &str, rule: Rule, payment: Option<Payment>| {
        if let Ok(game) = Game::new(values.to_vec(), rule, payment)
            && let Some(eq) = solve(&game).equilibria.into_iter().next()
        {
            references.push(ReferencePoint {
                name: name.to_string(),
                outcome: eq.outcome,
            });
        }
    };
    reference("uniform", Rule::Uniform, Some(payment));
    reference("proportional", Rule::Proportional, Some(payment));
    reference("winner-take-all", Rule::WinnerTakeAll, None);
    reference("second-price", Rule::SecondPrice, None);
    if let Some(o) = super::auction::all_pay_auction(values) {
        references.push(ReferencePoint {
            name: "all-pay-auction".to_string(),
            outcome: o,
        });
    }
    Ok(Frontier {
        values: values.to_vec(),
        payment,
        points,
        boundaries,
        references,
    })
}
