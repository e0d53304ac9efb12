//! Shape checks run before any transition: a state decoded from outside (a conformance
//! vector, a corrupted database) is rejected with an error instead of driving the
//! transition into an inconsistent or non-terminating computation.

use crate::error::StateError;
use etn_types::*;

/// Checks the invariants every state reachable from genesis satisfies and that the
/// transition relies on; a state that breaks one is refused before anything runs.
pub fn check_state_shape(state: &BeaconState) -> Result<Mechanism, StateError> {
    let mechanism = state.config.mechanism()?;
    let n = state.validators.len();
    if n == 0 {
        return Err(StateError::MalformedState("no validators"));
    }
    if state.balances.len() != n
        || state.previous_epoch_participation.len() != n
        || state.current_epoch_participation.len() != n
    {
        return Err(StateError::MalformedState(
            "balances and participation must match the validator registry",
        ));
    }
    // Proposer selection relies on every validator carrying the same effective balance.
    if state
        .validators
        .iter()
        .any(|v| v.effective_balance != MAX_EFFECTIVE_BALANCE)
    {
        return Err(StateError::MalformedState(
            "effective balances must all be MAX_EFFECTIVE_BALANCE",
        ));
    }
    let builders = state.builders.len() as u64;
    for (index, round) in state.ticket_rounds.iter().enumerate() {
        if round.bids.is_empty() {
            continue;
        }
        if round.slot % TICKET_ROUND_SLOTS as u64 != index as u64 {
            return Err(StateError::MalformedState(
                "a round sits in the wrong ring entry",
            ));
        }
        let sorted = round
            .bids
            .windows(2)
            .all(|w| w[0].builder_index < w[1].builder_index);
        let sane = round
            .bids
            .iter()
            .all(|b| b.builder_index < builders && b.tickets > 0);
        if !sorted || !sane {
            return Err(StateError::MalformedState(
                "round bids must name known builders once each, in index order, with tickets",
            ));
        }
    }
    for (index, a) in state.builder_assignments.iter().enumerate() {
        let known = a.builder_index == NO_BUILDER || a.builder_index < builders;
        if !known || a.slot % ASSIGNMENT_HISTORY as u64 != index as u64 {
            return Err(StateError::MalformedState("malformed builder assignment"));
        }
    }
    Ok(mechanism)
}
