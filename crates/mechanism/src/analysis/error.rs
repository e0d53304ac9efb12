//! Typed errors of the analysis half.
//!
//! Every way a caller can hand the analysis bad input maps to one variant here, so the
//! CLI can print a clear message and exit non-zero instead of panicking or printing
//! nonsense numbers.

use thiserror::Error;

/// Why an analysis request was rejected.
#[derive(Debug, Clone, PartialEq, Error)]
pub enum AnalysisError {
    /// The value vector was empty.
    #[error("no values given: at least one player is needed")]
    NoPlayers,
    /// A value was NaN or infinite.
    #[error("value {index} (player {player}) is {value}: values must be finite numbers", player = index + 1)]
    NonFiniteValue { index: usize, value: f64 },
    /// A value was negative.
    #[error("value {index} (player {player}) is {value}: values must be >= 0", player = index + 1)]
    NegativeValue { index: usize, value: f64 },
    /// Positive values so far apart that double precision cannot resolve the game.
    #[error(
        "value {index} (player {player}) is {value}, more than {orders} orders of magnitude below \
         the highest value: the analysis works in double precision; use 0 for a player who \
         does not value the block",
        player = index + 1,
        orders = crate::analysis::game::MAX_ORDERS_OF_MAGNITUDE
    )]
    ValueRangeTooWide { index: usize, value: f64 },
    /// Every value was zero, so there is nothing worth allocating.
    #[error("all values are zero: at least one player must value the block")]
    AllZero,
    /// A lottery rule was asked about fewer than two players who value the block.
    #[error(
        "{rule} needs at least two players with a positive value (found {found}): a lone \
         bidder has no best response, since every positive bid wins and a smaller one is better"
    )]
    TooFewBidders { rule: String, found: usize },
    /// alpha was negative, NaN or infinite.
    #[error("alpha is {0}: alpha must be a finite number >= 0")]
    InvalidAlpha(f64),
    /// A rule name that the analysis does not know.
    #[error(
        "unknown rule '{0}': expected one of proportional, tullock, winner-take-all, \
         second-price, uniform"
    )]
    UnknownRule(String),
    /// A payment-rule name that the analysis does not know.
    #[error("unknown payment '{0}': expected all-pay or winner-pay")]
    UnknownPayment(String),
    /// A rule/payment combination the analysis does not model.
    #[error("{rule} is only defined with {supported} payment, not {requested}")]
    UnsupportedPayment {
        rule: String,
        requested: String,
        supported: String,
    },
    /// alpha was given for a rule whose alpha is fixed.
    #[error("{rule} has alpha fixed at {fixed}; use --rule tullock to choose alpha (got {given})")]
    AlphaMismatch {
        rule: String,
        fixed: String,
        given: f64,
    },
    /// The tick of the first-price auction was not a positive finite number.
    #[error("tick is {0}: the tick must be a finite number > 0")]
    InvalidTick(f64),
    /// A Sybil split into fewer than two identities, or absurdly many.
    #[error("k is {0}: a split needs between 2 and {max} identities", max = crate::analysis::sybil::MAX_IDENTITIES)]
    InvalidSplit(usize),
    /// An alpha sweep with an empty or reversed range or a bad step count.
    #[error("invalid alpha sweep: {0}")]
    InvalidSweep(String),
    /// The Sybil check needs a pure equilibrium to start from.
    #[error(
        "no pure equilibrium exists for this game, so there is no equilibrium to split or merge from"
    )]
    NoEquilibrium,
}
