//! Every SSZ container of the protocol (specs/beacon-chain.md, "Containers").

mod beacon;
mod block;
mod p2p;
mod payload;
mod state;
mod tickets;

pub use beacon::*;
pub use block::*;
pub use p2p::*;
pub use payload::*;
pub use state::*;
pub use tickets::*;
