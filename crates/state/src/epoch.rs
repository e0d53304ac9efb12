//! `process_epoch`: justification and finality, smoothing, RANDAO rotation and
//! participation bookkeeping, run at the end of an epoch's last slot.

use crate::accessors::*;
use crate::error::StateError;
use crate::math::add;
use etn_types::*;

pub fn process_epoch(state: &mut BeaconState, mechanism: &Mechanism) -> Result<(), StateError> {
    process_justification_and_finalization(state)?;
    process_smoothing(state, mechanism)?;
    process_randao_mixes_reset(state);
    process_participation_flag_updates(state);
    Ok(())
}

/// Effective balance of unslashed validators whose flags include `flag_index`.
fn unslashed_participating_balance(
    state: &BeaconState,
    participation: &[ParticipationFlags],
    flag_index: u8,
) -> Result<Gwei, StateError> {
    state
        .validators
        .iter()
        .zip(participation)
        .filter(|(v, flags)| !v.slashed && (**flags >> flag_index) & 1 == 1)
        .try_fold(0u64, |acc, (v, _)| {
            add(acc, v.effective_balance, "participating balance")
        })
}

pub fn process_justification_and_finalization(state: &mut BeaconState) -> Result<(), StateError> {
    if get_current_epoch(state) <= GENESIS_EPOCH + 1 {
        return Ok(());
    }
    let total = get_total_active_balance(state)?;
    let previous = unslashed_participating_balance(
        state,
        &state.previous_epoch_participation,
        TIMELY_TARGET_FLAG_INDEX,
    )?;
    let current = unslashed_participating_balance(
        state,
        &state.current_epoch_participation,
        TIMELY_TARGET_FLAG_INDEX,
    )?;
    weigh_justification_and_finalization(state, total, previous, current)
}

/// Phase0's Casper FFG rule with the 2/3 supermajority, in 128-bit arithmetic.
pub fn weigh_justification_and_finalization(
    state: &mut BeaconState,
    total: Gwei,
    previous_target: Gwei,
    current_target: Gwei,
) -> Result<(), StateError> {
    let previous_epoch = get_previous_epoch(state);
    let current_epoch = get_current_epoch(state);
    let old_previous_justified = state.previous_justified_checkpoint;
    let old_current_justified = state.current_justified_checkpoint;
    let supermajority = |target: Gwei| u128::from(target) * 3 >= u128::from(total) * 2;

    state.previous_justified_checkpoint = state.current_justified_checkpoint;
    let mut bits = [false; JUSTIFICATION_BITS_LENGTH];
    for (i, bit) in bits.iter_mut().enumerate().skip(1) {
        *bit = state.justification_bits[i - 1];
    }
    if supermajority(previous_target) {
        state.current_justified_checkpoint = Checkpoint {
            epoch: previous_epoch,
            root: get_block_root(state, previous_epoch)?,
        };
        bits[1] = true;
    }
    if supermajority(current_target) {
        state.current_justified_checkpoint = Checkpoint {
            epoch: current_epoch,
            root: get_block_root(state, current_epoch)?,
        };
        bits[0] = true;
    }
    for (i, bit) in bits.iter().enumerate() {
        state.justification_bits.set(i, *bit);
    }
    let all = |range: std::ops::Range<usize>| bits[range].iter().all(|b| *b);
    // `checkpoint.epoch + k == current_epoch`, without overflow on any decoded state.
    let is =
        |checkpoint: &Checkpoint, k: u64| checkpoint.epoch.checked_add(k) == Some(current_epoch);
    if all(1..4) && is(&old_previous_justified, 3) {
        state.finalized_checkpoint = old_previous_justified;
    }
    if all(1..3) && is(&old_previous_justified, 2) {
        state.finalized_checkpoint = old_previous_justified;
    }
    if all(0..3) && is(&old_current_justified, 2) {
        state.finalized_checkpoint = old_current_justified;
    }
    if all(0..2) && is(&old_current_justified, 1) {
        state.finalized_checkpoint = old_current_justified;
    }
    Ok(())
}

/// Shares the smoothing pool equally among unslashed validators; the indivisible
/// remainder stays in the pool for the next epoch, so no Gwei is lost.
pub fn process_smoothing(state: &mut BeaconState, mechanism: &Mechanism) -> Result<(), StateError> {
    if mechanism.destination != PaymentDestination::Smooth || state.accounting.smoothing_pool == 0 {
        return Ok(());
    }
    let recipients: Vec<usize> = state
        .validators
        .iter()
        .enumerate()
        .filter(|(_, v)| !v.slashed)
        .map(|(i, _)| i)
        .collect();
    let share = match recipients.len() as u64 {
        0 => 0,
        n => state.accounting.smoothing_pool / n,
    };
    if share == 0 {
        return Ok(());
    }
    let paid = share * recipients.len() as u64;
    // Check every addition before writing any of them.
    let total_smoothed = add(state.accounting.total_smoothed, paid, "smoothed total")?;
    for i in &recipients {
        let balance = state
            .balances
            .get(*i)
            .copied()
            .ok_or(StateError::MalformedState("balances shorter than registry"))?;
        add(balance, share, "validator balance")?;
    }
    for i in recipients {
        state.balances[i] += share;
    }
    state.accounting.smoothing_pool -= paid;
    state.accounting.total_smoothed = total_smoothed;
    Ok(())
}

pub fn process_randao_mixes_reset(state: &mut BeaconState) {
    let current = get_current_epoch(state);
    let next = current + 1;
    state.randao_mixes[(next % EPOCHS_PER_HISTORICAL_VECTOR as u64) as usize] =
        get_randao_mix(state, current);
}

pub fn process_participation_flag_updates(state: &mut BeaconState) {
    let len = state.validators.len();
    state.previous_epoch_participation = std::mem::take(&mut state.current_epoch_participation);
    state.current_epoch_participation = vec![0u8; len].try_into().unwrap_or_default();
}
