//! `process_block` and its parts, in the order the spec applies them.

pub mod attestations;
pub mod header;
pub mod payload;
pub mod randao;
pub mod slashings;
pub mod tickets;

use crate::accessors::CommitteeCache;
use crate::error::{OperationKind, StateError};
use crate::signatures::SignatureVerifier;
use etn_types::*;

/// Applies a block's body to a state already advanced to the block's slot. On error the
/// state may be partly written: callers go through `state_transition`, which works on a
/// copy and only commits a fully valid block.
pub fn process_block(
    state: &mut BeaconState,
    block: &BeaconBlock,
    verifier: &mut SignatureVerifier<'_>,
) -> Result<(), StateError> {
    let mechanism = state.config.mechanism()?;
    header::process_block_header(state, block)?;
    randao::process_randao(state, &block.body, verifier)?;
    crate::slot::process_builder_assignment(state, &mechanism)?;
    payload::process_execution_payload(state, &block.body, verifier)?;
    process_operations(state, &block.body, &mechanism, verifier)
}

pub fn process_operations(
    state: &mut BeaconState,
    body: &BeaconBlockBody,
    mechanism: &Mechanism,
    verifier: &mut SignatureVerifier<'_>,
) -> Result<(), StateError> {
    reject_duplicates(&body.attester_slashings, OperationKind::AttesterSlashing)?;
    reject_duplicates(&body.attestations, OperationKind::Attestation)?;
    reject_duplicates(&body.ticket_purchases, OperationKind::TicketPurchase)?;
    reject_duplicates(&body.ticket_sales, OperationKind::TicketSale)?;
    for slashing in body.attester_slashings.iter() {
        slashings::process_attester_slashing(state, slashing, verifier)?;
    }
    let mut committees = CommitteeCache::default();
    for attestation in body.attestations.iter() {
        attestations::process_attestation(state, attestation, &mut committees, verifier)?;
    }
    for purchase in body.ticket_purchases.iter() {
        tickets::process_buy_tickets(state, purchase, mechanism, verifier)?;
    }
    for sale in body.ticket_sales.iter() {
        tickets::process_sell_tickets(state, sale, mechanism, verifier)?;
    }
    Ok(())
}

/// A block may not carry the same operation twice.
fn reject_duplicates<T: PartialEq>(items: &[T], kind: OperationKind) -> Result<(), StateError> {
    for (i, item) in items.iter().enumerate() {
        if items[i + 1..].contains(item) {
            return Err(StateError::DuplicateOperation(kind));
        }
    }
    Ok(())
}
