//! Shape checks run before any transition: a state decoded from outside (a conformance
//! vector, a corrupted database) is rejected with an error instead of driving the
//! transition into an inconsistent or non-terminating computation.

use crate::error::StateError;
use etn_types::*;

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
    Ok(mechanism)
}
