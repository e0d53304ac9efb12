//! Builder strategies: how an agent turns what it knows about a round into a bid.
//!
//! Experiments (`etn experiment`) and a devnet's builder duties both need bidders that
//! behave like the article's players, or like players who have to learn. Keeping the
//! strategies here, as pure logic over plain data ([`RoundView`] in, whole tickets out,
//! [`RoundOutcome`] back), lets both drivers share them: neither the state nor a clock nor
//! the network is visible from this module.
//!
//! Floating point is fine here (this is not consensus code); what leaves a strategy is an
//! integer number of tickets, because that is all the chain accepts.
//!
//! The strategies:
//! - [`Equilibrium`]: the complete-information equilibrium bid for the rule, from
//!   [`crate::analysis`] (and the mixed equilibrium of the two-player all-pay auction,
//!   which has no pure one);
//! - [`Truthful`], [`Fixed`] and [`RandomBid`] (seeded): reference points;
//! - [`SybilBest`]: the best bid split over k identities against everyone else's
//!   equilibrium bids (from [`crate::analysis::sybil_check`]);
//! - [`BestResponse`] and [`Hedge`]: adaptive agents that do not know the others' values
//!   and learn from the bids they observe (damped best response to recent rounds, and
//!   multiplicative weights over a bid grid, a no-regret rule).
//!
//! [`StrategySpec`] is the serialisable description of a strategy that experiment files
//! and devnet configs use, and [`StrategySpec::build`] makes the agent.

mod best_response;
mod equilibrium;
mod hedge;
mod rng;
mod simple;
mod spec;
mod sybil;
mod view;

pub use best_response::BestResponse;
pub use equilibrium::{Equilibrium, equilibrium_bids};
pub use hedge::Hedge;
pub use rng::SplitMix64;
pub use simple::{Fixed, RandomBid, Truthful};
pub use spec::{SpecError, StrategySpec};
pub use sybil::SybilBest;
pub use view::{RoundOutcome, RoundView, split_tickets};

/// A bidding agent: one per player (a player may bid through several identities).
///
/// `bid` is called once per round, before the round closes; `observe` once the round's
/// outcome is on chain. Rounds are observed with a delay (a bid for the next round is
/// usually placed before the previous one closes), so a strategy must not assume that
/// every `bid` follows the `observe` of the round before.
pub trait Strategy: Send {
    /// A short description for reports, e.g. `equilibrium` or `hedge(101 points)`.
    fn describe(&self) -> String;

    /// The player's total tickets for the round (split over its identities by the
    /// caller with [`split_tickets`]). Zero means "do not bid".
    fn bid(&mut self, view: &RoundView<'_>) -> u64;

    /// What happened in a closed round. Adaptive strategies learn from it; the others
    /// ignore it.
    fn observe(&mut self, _outcome: &RoundOutcome<'_>) {}
}
