//! What is being analysed: the players' values, the allocation rule and the payment rule.
//!
//! Validation lives here, once, so every solver can assume finite non-negative values
//! and a meaningful rule; anything else is rejected with an [`AnalysisError`].

use super::error::AnalysisError;
use serde::Serialize;
use std::fmt;
use std::str::FromStr;

/// Default tick of the first-price auction: 1e-9, one Gwei when values are in ETH.
///
/// A first-price winner who does not win ties must outbid the runner-up by *something*;
/// the tick is that something, so the reported equilibrium is exact up to one tick.
pub const DEFAULT_TICK: f64 = 1e-9;

/// Widest accepted ratio between the highest and the smallest positive value, in
/// orders of magnitude: beyond it reciprocals and powers leave double precision.
pub const MAX_ORDERS_OF_MAGNITUDE: i32 = 200;

/// An allocation rule (who wins, as a function of the bids).
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Rule {
    /// P(i wins) = b_i / sum b: the original execution-tickets lottery (Tullock alpha = 1).
    Proportional,
    /// P(i wins) = b_i^alpha / sum b^alpha.
    Tullock { alpha: f64 },
    /// Every player wins with probability 1/n whatever it bids (Tullock alpha = 0).
    Uniform,
    /// Highest bid wins, ties to the lower index; the winner pays its own bid.
    WinnerTakeAll,
    /// Highest bid wins, ties to the lower index; the winner pays the second-highest bid.
    SecondPrice,
}

impl Rule {
    /// Canonical command-line name.
    pub fn name(&self) -> &'static str {
        match self {
            Rule::Proportional => "proportional",
            Rule::Tullock { .. } => "tullock",
            Rule::Uniform => "uniform",
            Rule::WinnerTakeAll => "winner-take-all",
            Rule::SecondPrice => "second-price",
        }
    }

    /// The contest exponent of a lottery rule; `None` for the auctions.
    pub fn lottery_alpha(&self) -> Option<f64> {
        match self {
            Rule::Proportional => Some(1.0),
            Rule::Tullock { alpha } => Some(*alpha),
            Rule::Uniform => Some(0.0),
            Rule::WinnerTakeAll | Rule::SecondPrice => None,
        }
    }

    /// Build a rule from its name and an optional alpha, rejecting contradictions
    /// (e.g. `proportional` with alpha 2) rather than silently ignoring them.
    pub fn from_name(name: &str, alpha: Option<f64>) -> Result<Rule, AnalysisError> {
        if let Some(a) = alpha
            && !(a.is_finite() && a >= 0.0)
        {
            return Err(AnalysisError::InvalidAlpha(a));
        }
        let fixed = |rule: &str, fixed: &str, want: f64| match alpha {
            Some(a) if a != want => Err(AnalysisError::AlphaMismatch {
                rule: rule.to_string(),
                fixed: fixed.to_string(),
                given: a,
            }),
            _ => Ok(()),
        };
        match name.trim().to_ascii_lowercase().as_str() {
            "proportional" => fixed("proportional", "1", 1.0).map(|_| Rule::Proportional),
            "uniform" => fixed("uniform", "0", 0.0).map(|_| Rule::Uniform),
            "tullock" => Ok(Rule::Tullock {
                alpha: alpha.unwrap_or(1.0),
            }),
            "winner-take-all" | "first-price" => {
                fixed("winner-take-all", "infinity (it is an auction)", f64::NAN)
                    .map(|_| Rule::WinnerTakeAll)
            }
            "second-price" => fixed("second-price", "infinity (it is an auction)", f64::NAN)
                .map(|_| Rule::SecondPrice),
            _ => Err(AnalysisError::UnknownRule(name.to_string())),
        }
    }
}

impl fmt::Display for Rule {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Rule::Tullock { alpha } => write!(f, "tullock(alpha={alpha})"),
            other => f.write_str(other.name()),
        }
    }
}

/// Who pays: every bidder (all-pay, the burned-tickets model) or only the winner
/// (losers refunded at the end of the round).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Payment {
    AllPay,
    WinnerPay,
}

impl Payment {
    /// Canonical command-line name.
    pub fn name(&self) -> &'static str {
        match self {
            Payment::AllPay => "all-pay",
            Payment::WinnerPay => "winner-pay",
        }
    }
}

/// The analysis model of a chain's allocation rule, so what the chain runs and what the
/// theory predicts are always named by one mapping.
impl From<etn_types::AllocationRule> for Rule {
    fn from(rule: etn_types::AllocationRule) -> Self {
        use etn_types::AllocationRule as A;
        match rule {
            A::Proportional => Rule::Proportional,
            A::Tullock {
                numerator,
                denominator,
            } => Rule::Tullock {
                alpha: numerator as f64 / denominator.max(1) as f64,
            },
            A::Uniform => Rule::Uniform,
            A::WinnerTakeAll => Rule::WinnerTakeAll,
            A::SecondPrice => Rule::SecondPrice,
        }
    }
}

impl From<etn_types::PaymentRule> for Payment {
    fn from(payment: etn_types::PaymentRule) -> Self {
        match payment {
            etn_types::PaymentRule::AllPay => Payment::AllPay,
            etn_types::PaymentRule::WinnerPay => Payment::WinnerPay,
        }
    }
}

impl fmt::Display for Payment {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

impl FromStr for Payment {
    type Err = AnalysisError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s.trim().to_ascii_lowercase().as_str() {
            "all-pay" => Ok(Payment::AllPay),
            "winner-pay" => Ok(Payment::WinnerPay),
            _ => Err(AnalysisError::UnknownPayment(s.to_string())),
        }
    }
}

/// A complete-information game: values are common knowledge, players risk-neutral.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Game {
    values: Vec<f64>,
    rule: Rule,
    payment: Payment,
    tick: f64,
}

impl Game {
    /// Validate and build a game. `payment` defaults to the article's pairing: all-pay
    /// for the lotteries, winner-pay for the auctions.
    pub fn new(
        values: Vec<f64>,
        rule: Rule,
        payment: Option<Payment>,
    ) -> Result<Game, AnalysisError> {
        validate_values(&values)?;
        if let Some(a) = rule.lottery_alpha()
            && !(a.is_finite() && a >= 0.0)
        {
            return Err(AnalysisError::InvalidAlpha(a));
        }
        let payment = payment.unwrap_or(match rule {
            Rule::WinnerTakeAll | Rule::SecondPrice => Payment::WinnerPay,
            _ => Payment::AllPay,
        });
        if rule == Rule::SecondPrice && payment == Payment::AllPay {
            return Err(AnalysisError::UnsupportedPayment {
                rule: rule.name().into(),
                requested: payment.name().into(),
                supported: Payment::WinnerPay.name().into(),
            });
        }
        let positive = values.iter().filter(|v| **v > 0.0).count();
        let is_lottery = rule.lottery_alpha().is_some_and(|a| a > 0.0);
        if is_lottery && positive < 2 {
            return Err(AnalysisError::TooFewBidders {
                rule: rule.to_string(),
                found: positive,
            });
        }
        Ok(Game {
            values,
            rule,
            payment,
            tick: DEFAULT_TICK,
        })
    }

    /// Use a different tick for the first-price auction (see [`DEFAULT_TICK`]).
    pub fn with_tick(mut self, tick: f64) -> Result<Game, AnalysisError> {
        if !(tick.is_finite() && tick > 0.0) {
            return Err(AnalysisError::InvalidTick(tick));
        }
        self.tick = tick;
        Ok(self)
    }

    /// The players' values, in input order.
    pub fn values(&self) -> &[f64] {
        &self.values
    }
    /// The allocation rule.
    pub fn rule(&self) -> Rule {
        self.rule
    }
    /// The payment rule.
    pub fn payment(&self) -> Payment {
        self.payment
    }
    /// The first-price tick.
    pub fn tick(&self) -> f64 {
        self.tick
    }
    /// Number of players.
    pub fn n(&self) -> usize {
        self.values.len()
    }
    /// The highest value (positive by validation).
    pub fn max_value(&self) -> f64 {
        self.values.iter().copied().fold(0.0, f64::max)
    }

    /// The same game with values divided by `scale` (and the tick with them).
    ///
    /// Equilibrium bids are homogeneous of degree one in the values, so the solvers work
    /// on values normalised to a maximum of 1, where fixed tolerances are meaningful and
    /// powers cannot overflow.
    pub(crate) fn scaled(&self, scale: f64) -> Game {
        Game {
            values: self.values.iter().map(|v| v / scale).collect(),
            rule: self.rule,
            payment: self.payment,
            tick: self.tick / scale,
        }
    }

    /// The same players under another rule (used by the Sybil check and the frontier).
    pub(crate) fn with_rule(&self, rule: Rule) -> Game {
        Game {
            rule,
            ..self.clone()
        }
    }
}

/// Reject empty, non-finite, negative and all-zero value vectors.
pub fn validate_values(values: &[f64]) -> Result<(), AnalysisError> {
    if values.is_empty() {
        return Err(AnalysisError::NoPlayers);
    }
    for (index, &value) in values.iter().enumerate() {
        if !value.is_finite() {
            return Err(AnalysisError::NonFiniteValue { index, value });
        }
        if value < 0.0 {
            return Err(AnalysisError::NegativeValue { index, value });
        }
    }
    if values.iter().all(|v| *v == 0.0) {
        return Err(AnalysisError::AllZero);
    }
    let max = values.iter().copied().fold(0.0, f64::max);
    let floor = max * 10f64.powi(-MAX_ORDERS_OF_MAGNITUDE);
    if let Some((index, &value)) = values
        .iter()
        .enumerate()
        .find(|(_, v)| **v > 0.0 && **v < floor)
    {
        return Err(AnalysisError::ValueRangeTooWide { index, value });
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rejects_bad_values() {
        assert_eq!(
            Game::new(vec![], Rule::Proportional, None),
            Err(AnalysisError::NoPlayers)
        );
        assert!(matches!(
            Game::new(vec![1.0, f64::NAN], Rule::Proportional, None),
            Err(AnalysisError::NonFiniteValue { index: 1, .. })
        ));
        assert!(matches!(
            Game::new(vec![-1.0, 2.0], Rule::Proportional, None),
            Err(AnalysisError::NegativeValue { index: 0, .. })
        ));
        assert!(matches!(
            Game::new(vec![3.0, 0.0], Rule::Proportional, None),
            Err(AnalysisError::TooFewBidders { .. })
        ));
        assert!(Game::new(vec![3.0, 0.0], Rule::WinnerTakeAll, None).is_ok());
    }

    #[test]
    fn parses_rules() {
        assert_eq!(
            Rule::from_name("proportional", None),
            Ok(Rule::Proportional)
        );
        assert_eq!(
            Rule::from_name("tullock", Some(1.5)),
            Ok(Rule::Tullock { alpha: 1.5 })
        );
        assert!(matches!(
            Rule::from_name("tullock", Some(-1.0)),
            Err(AnalysisError::InvalidAlpha(_))
        ));
        assert!(matches!(
            Rule::from_name("proportional", Some(2.0)),
            Err(AnalysisError::AlphaMismatch { .. })
        ));
        assert!(matches!(
            Rule::from_name("dutch", None),
            Err(AnalysisError::UnknownRule(_))
        ));
        assert!(matches!(
            Rule::from_name("winner-take-all", Some(1.0)),
            Err(AnalysisError::AlphaMismatch { .. })
        ));
    }
}
