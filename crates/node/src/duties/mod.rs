//! What a node does on its own each slot: its validators propose and attest, its
//! builders buy tickets and deliver payloads. Everything goes out through [`Broadcast`]
//! (the network in a node, a recorder in tests) and into the local chain.

pub mod builder;
pub mod timing;
pub mod validator;

use etn_types::*;

/// Where a node's own messages go besides its own chain: the gossip network.
pub trait Broadcast: Send + Sync + 'static {
    fn block(&self, block: &SignedBeaconBlock);
    fn attestation(&self, attestation: &Attestation);
    fn purchase(&self, op: &SignedBuyTickets);
    fn payload(&self, payload: &SignedExecutionPayload);
}
