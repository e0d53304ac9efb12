//! The genesis block: the anchor every chain's fork choice starts from.

use crate::error::ForkChoiceError;
use crate::store::ForkChoice;
use etn_types::ssz::hash_tree_root;
use etn_types::{BeaconBlock, BeaconBlockBody, BeaconState, Root};

/// The block whose post-state is `genesis_state`: the state's latest header with the
/// state root filled in and an empty body. Its root is the parent root of slot 1 and the
/// anchor of a fresh store. Refuses a state whose header does not commit to an empty
/// body (a state that is not a genesis state).
pub fn genesis_block(genesis_state: &BeaconState) -> Result<(Root, BeaconBlock), ForkChoiceError> {
    let header = &genesis_state.latest_block_header;
    let body = BeaconBlockBody::default();
    if header.body_root != hash_tree_root(&body)? {
        return Err(ForkChoiceError::Inconsistent(
            "genesis header does not commit to an empty body",
        ));
    }
    let block = BeaconBlock {
        slot: header.slot,
        proposer_index: header.proposer_index,
        parent_root: header.parent_root,
        state_root: hash_tree_root(genesis_state)?,
        body,
    };
    Ok((hash_tree_root(&block)?, block))
}

impl ForkChoice {
    /// A store anchored at genesis.
    pub fn from_genesis(genesis_state: &BeaconState, now_ms: u64) -> Result<Self, ForkChoiceError> {
        let (root, block) = genesis_block(genesis_state)?;
        Self::new(root, &block, genesis_state, now_ms)
    }
}
