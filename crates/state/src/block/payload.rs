//! `process_execution_payload`: the block commits to its slot's payload, or to none.

use crate::accessors::{compute_epoch_at_slot, get_builder_assignment};
use crate::error::{SignedObject, StateError};
use crate::math::add;
use crate::signatures::{SignatureVerifier, signing_root};
use etn_types::*;

pub fn process_execution_payload(
    state: &mut BeaconState,
    body: &BeaconBlockBody,
    verifier: &mut SignatureVerifier<'_>,
) -> Result<(), StateError> {
    let slot = state.slot;
    let assigned = get_builder_assignment(state, slot)
        .filter(|a| a.builder_index != NO_BUILDER)
        .map(|a| a.builder_index);
    let Some(signed) = body.execution_payload.first() else {
        // An empty payload: if a builder was due, it missed its slot.
        if assigned.is_some() {
            mark_missed(state, slot)?;
        }
        return Ok(());
    };
    let payload = &signed.message;
    let Some(builder_index) = assigned else {
        return Err(StateError::PayloadWithoutAssignment(slot));
    };
    if payload.slot != slot {
        return Err(StateError::PayloadWrongSlot {
            payload_slot: payload.slot,
            block_slot: slot,
        });
    }
    if payload.builder_index != builder_index {
        return Err(StateError::PayloadFromUnassignedBuilder {
            assigned: builder_index,
            got: payload.builder_index,
        });
    }
    let max = state.config.max_execution_inflow_per_slot;
    if payload.value > max {
        return Err(StateError::InflowAboveLimit {
            value: payload.value,
            max,
        });
    }
    let builder = state
        .builders
        .get(builder_index as usize)
        .ok_or(StateError::UnknownBuilder(builder_index))?;
    let new_balance = add(builder.balance, payload.value, "builder balance")?;
    let new_inflow = add(
        state.accounting.total_execution_inflow,
        payload.value,
        "execution inflow",
    )?;
    let signers = verifier
        .cache()
        .builder(builder_index)
        .into_iter()
        .collect();
    let epoch = compute_epoch_at_slot(state, payload.slot);
    verifier.check(
        SignedObject::ExecutionPayload,
        &signed.signature,
        signers,
        || signing_root(state, payload, DOMAIN_EXECUTION_PAYLOAD, epoch),
    )?;

    state.builders[builder_index as usize].balance = new_balance;
    let acc = &mut state.accounting;
    acc.total_execution_inflow = new_inflow;
    acc.delivered_payloads = acc.delivered_payloads.saturating_add(1);
    let entry = assignment_mut(state, slot);
    entry.payload_status = payload_status::DELIVERED;
    entry.inflow = payload.value;
    Ok(())
}

fn assignment_mut(state: &mut BeaconState, slot: Slot) -> &mut BuilderAssignment {
    &mut state.builder_assignments[(slot % ASSIGNMENT_HISTORY as u64) as usize]
}

/// Records that `slot`'s assigned builder delivered nothing (if it was still pending).
pub fn mark_missed(state: &mut BeaconState, slot: Slot) -> Result<(), StateError> {
    let entry = assignment_mut(state, slot);
    if entry.slot == slot && entry.payload_status == payload_status::PENDING {
        entry.payload_status = payload_status::MISSED;
        state.accounting.missed_payloads = state.accounting.missed_payloads.saturating_add(1);
    }
    Ok(())
}
