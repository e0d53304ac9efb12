//! Unrealized ("pulled-up") checkpoints of a block.
//!
//! A block's post-state only justifies at the next epoch boundary, yet the votes it
//! already contains may be enough. Running the epoch's justification and finalization
//! on a copy of the post-state tells what the block's chain will justify without any
//! further vote; fork choice uses that to judge a block from an earlier epoch by what it
//! has earned, not by what its state has realized (the Capella-era pull-up tips).

use crate::error::ForkChoiceError;
use etn_state::epoch::process_justification_and_finalization;
use etn_types::{BeaconState, Checkpoint};

/// The justified and finalized checkpoints `post_state` would have after its epoch's
/// justification and finalization ran now.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Unrealized {
    pub justified: Checkpoint,
    pub finalized: Checkpoint,
}

/// `compute_pulled_up_tip`'s state work: justification and finalization on a copy.
///
/// Only the fields the epoch rule reads or writes are copied (slot, config, block roots,
/// validators, participation, justification bits and checkpoints); the ticket registry,
/// rounds and histories, which make up most of a state, are left behind. The result is
/// the same as on a full copy (a test below checks it along a real chain).
pub(crate) fn unrealized_checkpoints(
    post_state: &BeaconState,
) -> Result<Unrealized, ForkChoiceError> {
    let mut state = justification_view(post_state);
    process_justification_and_finalization(&mut state)?;
    Ok(Unrealized {
        justified: state.current_justified_checkpoint,
        finalized: state.finalized_checkpoint,
    })
}

fn justification_view(state: &BeaconState) -> BeaconState {
    BeaconState {
        slot: state.slot,
        config: state.config.clone(),
        block_roots: state.block_roots.clone(),
        validators: state.validators.clone(),
        previous_epoch_participation: state.previous_epoch_participation.clone(),
        current_epoch_participation: state.current_epoch_participation.clone(),
        justification_bits: state.justification_bits.clone(),
        previous_justified_checkpoint: state.previous_justified_checkpoint,
        current_justified_checkpoint: state.current_justified_checkpoint,
        finalized_checkpoint: state.finalized_checkpoint,
        ..BeaconState::default()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use etn_state::harness::Harness;
    use etn_types::ChainConfig;

    fn on_full_copy(state: &BeaconState) -> Unrealized {
        let mut copy = state.clone();
        process_justification_and_finalization(&mut copy).unwrap();
        Unrealized {
            justified: copy.current_justified_checkpoint,
            finalized: copy.finalized_checkpoint,
        }
    }

    #[test]
    fn the_partial_copy_pulls_up_exactly_like_a_full_copy() {
        let mut h = Harness::new(ChainConfig::minimal(), 32, &[], false);
        let mut seen_justified = false;
        let mut seen_finalized = false;
        for _ in 0..(4 * 8 + 3) {
            h.step(Vec::new(), 0);
            let pulled = unrealized_checkpoints(&h.state).unwrap();
            assert_eq!(pulled, on_full_copy(&h.state), "slot {}", h.state.slot);
            seen_justified |= pulled.justified.epoch > h.state.current_justified_checkpoint.epoch;
            seen_finalized |= pulled.finalized.epoch > h.state.finalized_checkpoint.epoch;
        }
        assert!(
            seen_justified && seen_finalized,
            "the pull-up ran ahead of the state"
        );
    }
}
