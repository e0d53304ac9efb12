//! `process_block_header`: slot, proposer and parent checks, and the new latest header.

use crate::accessors::get_beacon_proposer_index;
use crate::error::StateError;
use etn_types::ssz::hash_tree_root;
use etn_types::*;

pub fn process_block_header(
    state: &mut BeaconState,
    block: &BeaconBlock,
) -> Result<(), StateError> {
    if block.slot != state.slot {
        return Err(StateError::WrongSlot {
            block_slot: block.slot,
            state_slot: state.slot,
        });
    }
    if block.slot <= state.latest_block_header.slot {
        return Err(StateError::BlockNotNewer {
            block_slot: block.slot,
            latest_slot: state.latest_block_header.slot,
        });
    }
    let expected = get_beacon_proposer_index(state)?;
    if block.proposer_index != expected {
        return Err(StateError::WrongProposer {
            expected,
            got: block.proposer_index,
        });
    }
    let parent = hash_tree_root(&state.latest_block_header)?;
    if block.parent_root != parent {
        return Err(StateError::WrongParent {
            expected: parent,
            got: block.parent_root,
        });
    }
    state.latest_block_header = BeaconBlockHeader {
        slot: block.slot,
        proposer_index: block.proposer_index,
        parent_root: block.parent_root,
        state_root: Root::ZERO,
        body_root: hash_tree_root(&block.body)?,
    };
    Ok(())
}
