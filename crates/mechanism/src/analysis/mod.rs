//! Equilibrium analysis of allocation rules (floating point; never used by consensus).
//!
//! This half of the crate answers "what should we expect bidders to do?" for the rules
//! the consensus half implements: complete-information pure equilibria of proportional,
//! Tullock, uniform, winner-take-all and second-price rules under all-pay or winner-pay,
//! their revenue (the protocol's MEV oracle) and fairness, the alpha sweep that traces
//! the trade-off between the two, and Sybil checks. It does no I/O; the `etn mechanism`
//! command prints and plots what it returns.
//!
//! Layout: [`game`] (inputs and validation), [`mechanics`] (rules as functions of bids),
//! [`metrics`], the solvers ([`proportional`], [`contest`], [`winner_pay`], [`auction`]),
//! [`verify`] (global best responses, first-order conditions), [`mod@solve`] (the entry
//! point), [`sybil`] and [`mod@frontier`].

pub mod auction;
pub mod contest;
pub mod error;
pub mod frontier;
pub mod game;
pub mod mechanics;
pub mod metrics;
mod numeric;
pub mod proportional;
pub mod solve;
pub mod sybil;
pub mod verify;
pub mod winner_pay;

pub use auction::all_pay_auction;
pub use error::AnalysisError;
pub use frontier::{Boundary, Frontier, FrontierPoint, ReferencePoint, frontier};
pub use game::{DEFAULT_TICK, Game, Payment, Rule, validate_values};
pub use metrics::Outcome;
pub use proportional::{proportional_bids, proportional_revenue};
pub use solve::{EQUILIBRIUM_TOLERANCE, Equilibrium, SearchInfo, Solution, solve};
pub use sybil::{MergeGain, SplitGain, SybilReport, sybil_check};
pub use verify::{Deviation, best_response, foc_residuals, max_deviation};
