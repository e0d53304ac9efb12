//! The serialisable description of a strategy, as experiment files and devnet configs
//! write it, and the factory that turns it into an agent.

use super::{BestResponse, Equilibrium, Fixed, Hedge, RandomBid, Strategy, SybilBest, Truthful};
use serde::{Deserialize, Serialize};

/// A strategy and its parameters. In YAML either a bare name (`equilibrium`, using the
/// defaults) or a map with `kind` and parameters (`{kind: fixed, bid: 0.5}`); bids are in
/// value units, fractions are of the player's value.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "kebab-case", deny_unknown_fields)]
pub enum StrategySpec {
    /// The complete-information equilibrium bid (knows every value).
    Equilibrium,
    /// Bid the own value.
    Truthful,
    /// Bid `bid` value units every round.
    Fixed { bid: f64 },
    /// Bid a uniform random fraction of the value in `[low, high]`.
    Random {
        #[serde(default)]
        low: f64,
        #[serde(default = "one")]
        high: f64,
    },
    /// Split over the player's identities as well as possible against the others'
    /// equilibrium bids (knows every value).
    SybilBest,
    /// Damped best response to the mean observed bids of the last `window` rounds.
    BestResponse {
        #[serde(default = "default_window")]
        window: usize,
        #[serde(default = "default_damping")]
        damping: f64,
        /// First bid, as a fraction of the value.
        #[serde(default = "default_start")]
        start: f64,
        /// Auctions: the raise when outbidding, as a fraction of the value.
        #[serde(default = "default_increment")]
        increment: f64,
    },
    /// Multiplicative weights over `points` bids from 0 to the value.
    Hedge {
        #[serde(default = "default_points")]
        points: usize,
        /// Defaults to `sqrt(8 ln points / rounds)` for the experiment's length.
        #[serde(default)]
        learning_rate: Option<f64>,
    },
}

fn one() -> f64 {
    1.0
}
fn default_window() -> usize {
    1
}
fn default_damping() -> f64 {
    0.5
}
fn default_start() -> f64 {
    0.1
}
fn default_increment() -> f64 {
    0.01
}
fn default_points() -> usize {
    201
}

/// A strategy description that cannot be used.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum SpecError {
    #[error("unknown strategy `{0}` (expected one of: {names})", names = StrategySpec::NAMES)]
    UnknownName(String),
    #[error("strategy `{kind}`: {problem}")]
    BadParameter {
        kind: &'static str,
        problem: &'static str,
    },
}

impl StrategySpec {
    pub const NAMES: &'static str =
        "equilibrium, truthful, fixed, random, sybil-best, best-response, hedge";

    /// A strategy given by name alone, with default parameters (`fixed` needs its bid
    /// and so has no bare form).
    pub fn from_name(name: &str) -> Result<Self, SpecError> {
        use serde::de::value::{Error, MapDeserializer};
        let map = MapDeserializer::<_, Error>::new(std::iter::once(("kind", name)));
        Self::deserialize(map).map_err(|_| SpecError::UnknownName(name.to_string()))
    }

    pub fn name(&self) -> &'static str {
        match self {
            Self::Equilibrium => "equilibrium",
            Self::Truthful => "truthful",
            Self::Fixed { .. } => "fixed",
            Self::Random { .. } => "random",
            Self::SybilBest => "sybil-best",
            Self::BestResponse { .. } => "best-response",
            Self::Hedge { .. } => "hedge",
        }
    }

    /// Whether the strategy is given every player's value (the article's
    /// complete-information model). Adaptive strategies are not: they learn from bids.
    pub fn complete_information(&self) -> bool {
        !self.is_adaptive()
    }

    /// Whether the strategy learns from observed rounds.
    pub fn is_adaptive(&self) -> bool {
        matches!(self, Self::BestResponse { .. } | Self::Hedge { .. })
    }

    /// Checks the parameters and makes the agent. `seed` feeds its random choices;
    /// `rounds` is the number of rounds it will play (for horizon-tuned learning rates).
    pub fn build(&self, seed: u64, rounds: u64) -> Result<Box<dyn Strategy>, SpecError> {
        let bad = |problem| SpecError::BadParameter {
            kind: self.name(),
            problem,
        };
        let fraction = |x: f64| x.is_finite() && (0.0..=1.0).contains(&x);
        Ok(match *self {
            Self::Equilibrium => Box::new(Equilibrium::new(seed)),
            Self::Truthful => Box::new(Truthful),
            Self::Fixed { bid } => {
                if !(bid.is_finite() && bid >= 0.0) {
                    return Err(bad("bid must be a finite number >= 0"));
                }
                Box::new(Fixed { units: bid })
            }
            Self::Random { low, high } => {
                if !(fraction(low) && fraction(high) && low <= high) {
                    return Err(bad("need 0 <= low <= high <= 1 (fractions of the value)"));
                }
                Box::new(RandomBid::new(low, high, seed))
            }
            Self::SybilBest => Box::new(SybilBest::new(seed)),
            Self::BestResponse {
                window,
                damping,
                start,
                increment,
            } => {
                if window == 0 {
                    return Err(bad("window must be at least 1"));
                }
                if !(damping.is_finite() && damping > 0.0 && damping <= 1.0) {
                    return Err(bad("damping must be in (0, 1]"));
                }
                if !fraction(start) {
                    return Err(bad("start must be a fraction of the value in [0, 1]"));
                }
                if !(fraction(increment) && increment > 0.0) {
                    return Err(bad("increment must be a fraction of the value in (0, 1]"));
                }
                Box::new(BestResponse::new(window, damping, start, increment))
            }
            Self::Hedge {
                points,
                learning_rate,
            } => {
                if !(2..=100_001).contains(&points) {
                    return Err(bad("points must be in 2..=100001"));
                }
                let rate =
                    learning_rate.unwrap_or_else(|| Hedge::default_learning_rate(points, rounds));
                if !(rate.is_finite() && rate > 0.0) {
                    return Err(bad("learning_rate must be > 0"));
                }
                Box::new(Hedge::new(points, rate, seed))
            }
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_and_defaults() {
        assert_eq!(
            StrategySpec::from_name("equilibrium"),
            Ok(StrategySpec::Equilibrium)
        );
        assert_eq!(
            StrategySpec::from_name("hedge"),
            Ok(StrategySpec::Hedge {
                points: 201,
                learning_rate: None
            })
        );
        assert_eq!(
            StrategySpec::from_name("best-response"),
            Ok(StrategySpec::BestResponse {
                window: 1,
                damping: 0.5,
                start: 0.1,
                increment: 0.01
            })
        );
        assert!(matches!(
            StrategySpec::from_name("fixed"),
            Err(SpecError::UnknownName(_))
        ));
        assert!(matches!(
            StrategySpec::from_name("dutch"),
            Err(SpecError::UnknownName(_))
        ));
        for name in StrategySpec::NAMES.split(", ").filter(|n| *n != "fixed") {
            let spec = StrategySpec::from_name(name).unwrap();
            assert_eq!(spec.name(), name);
            spec.build(1, 100).unwrap();
        }
    }

    #[test]
    fn bad_parameters_are_rejected() {
        let cases = [
            StrategySpec::Fixed { bid: -1.0 },
            StrategySpec::Random {
                low: 0.8,
                high: 0.2,
            },
            StrategySpec::BestResponse {
                window: 0,
                damping: 0.5,
                start: 0.1,
                increment: 0.01,
            },
            StrategySpec::BestResponse {
                window: 1,
                damping: 0.0,
                start: 0.1,
                increment: 0.01,
            },
            StrategySpec::BestResponse {
                window: 1,
                damping: 1.0,
                start: 0.1,
                increment: 0.0,
            },
            StrategySpec::Hedge {
                points: 1,
                learning_rate: None,
            },
            StrategySpec::Hedge {
                points: 11,
                learning_rate: Some(-1.0),
            },
        ];
        for spec in cases {
            assert!(
                matches!(spec.build(1, 10), Err(SpecError::BadParameter { .. })),
                "{spec:?}"
            );
        }
    }

    #[test]
    fn adaptive_agents_do_not_get_values() {
        assert!(StrategySpec::Equilibrium.complete_information());
        assert!(
            !StrategySpec::from_name("hedge")
                .unwrap()
                .complete_information()
        );
    }
}
