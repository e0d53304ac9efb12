//! `state_transition`: the one atomic entry point for applying a signed block.

use crate::accessors::compute_epoch_at_slot;
use crate::block::process_block;
use crate::error::{SignedObject, StateError};
use crate::signatures::{PubkeyCache, SignatureStrategy, SignatureVerifier, signing_root};
use crate::slot::process_slots;
use crate::validity::check_state_shape;
use crate::verified_signatures::VerifiedSignatures;
use etn_types::ssz::hash_tree_root_mut;
use etn_types::*;

/// Whether to compare the block's `state_root` with the computed post-state root.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StateRootCheck {
    Verify,
    /// Only for block producers, who fill the root in afterwards.
    Skip,
}

/// Applies `block` to `state`: advances through empty slots, checks the proposer's
/// signature and the body, and (by default) the post-state root. Either the whole block
/// applies or `state` is left untouched and the error says which rule failed.
pub fn state_transition(
    state: &mut BeaconState,
    block: &SignedBeaconBlock,
    strategy: SignatureStrategy,
    pubkeys: &PubkeyCache,
    root_check: StateRootCheck,
) -> Result<(), StateError> {
    let nothing_verified = VerifiedSignatures::default();
    state_transition_trusting(
        state,
        block,
        strategy,
        pubkeys,
        &nothing_verified,
        root_check,
    )
}

/// [`state_transition`] for a caller that has already verified some of the block's
/// signatures (a node, on gossip): those in `verified` are not checked again. The result
/// is the same as without them, since only sets that verified are ever recorded.
pub fn state_transition_trusting(
    state: &mut BeaconState,
    block: &SignedBeaconBlock,
    strategy: SignatureStrategy,
    pubkeys: &PubkeyCache,
    verified: &VerifiedSignatures,
    root_check: StateRootCheck,
) -> Result<(), StateError> {
    check_state_shape(state)?;
    if strategy != SignatureStrategy::Skip && !pubkeys.matches(state) {
        return Err(StateError::MalformedState(
            "public key cache built for another registry",
        ));
    }
    let message = &block.message;
    let mut post = state.clone();
    if post.slot < message.slot {
        process_slots(&mut post, message.slot)?;
    }
    let mut verifier = SignatureVerifier::new(strategy, pubkeys).trusting(verified);
    let signers = pubkeys
        .validator(message.proposer_index)
        .into_iter()
        .collect();
    let epoch = compute_epoch_at_slot(&post, message.slot);
    verifier.check(
        SignedObject::BlockProposal,
        &block.signature,
        signers,
        || signing_root(&post, message, DOMAIN_BEACON_PROPOSER, epoch),
    )?;
    process_block(&mut post, message, &mut verifier)?;
    verifier.finish()?;
    if root_check == StateRootCheck::Verify {
        let root = hash_tree_root_mut(&mut post)?;
        if message.state_root != root {
            return Err(StateError::StateRootMismatch {
                expected: root,
                got: message.state_root,
            });
        }
    }
    *state = post;
    Ok(())
}
