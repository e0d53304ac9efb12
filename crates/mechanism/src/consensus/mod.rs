//! The consensus half: integer-only allocation, sampling, payment and pricing rules,
//! exactly as `specs/allocation.md` defines them. Deterministic, no floats, typed errors.

pub mod allocation;
pub mod error;
pub mod payment;
pub mod pricing;
pub mod sampling;
pub mod weight_index;
pub mod weights;

pub use allocation::{RoundOutcome, close_round, draw_from_pool};
pub use error::MechanismError;
pub use weight_index::WeightIndex;
pub use weights::{TicketWeight, ticket_weight};
