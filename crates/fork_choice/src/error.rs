//! Every way fork choice can refuse an input.
//!
//! Each variant names one rule of `specs/fork-choice.md`, so a node can tell a block that
//! is merely early (retry later) from one that can never be imported, and a conformance
//! vector can say which rule an invalid step broke. A refused input leaves the store
//! exactly as it was.

use etn_state::StateError;
use etn_types::{Checkpoint, Epoch, Root, Slot, SszError};

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ForkChoiceError {
    // ---- anchor and timing -------------------------------------------------------------
    #[error("invalid chain timing: {0}")]
    InvalidTiming(&'static str),
    #[error("anchor root {given} is not the anchor block's root {computed}")]
    AnchorRootMismatch { given: Root, computed: Root },
    #[error("anchor block commits to state root {block}, the anchor state's root is {state}")]
    AnchorStateMismatch { block: Root, state: Root },
    #[error("anchor block is at slot {block_slot}, the anchor state at slot {state_slot}")]
    AnchorSlotMismatch { block_slot: Slot, state_slot: Slot },
    #[error("the anchor state has no validators")]
    NoValidators,

    // ---- blocks ------------------------------------------------------------------------
    #[error("unknown parent block {0}")]
    UnknownParent(Root),
    #[error("block slot {block_slot} is in the future (current slot {current_slot})")]
    FutureBlock {
        block_slot: Slot,
        current_slot: Slot,
    },
    #[error("block slot {block_slot} is not after the finalized slot {finalized_slot}")]
    BlockNotAfterFinalized {
        block_slot: Slot,
        finalized_slot: Slot,
    },
    #[error("block does not descend from the finalized checkpoint {finalized:?}")]
    NotDescendantOfFinalized { finalized: Checkpoint },
    #[error("block slot {block_slot} is not after its parent's slot {parent_slot}")]
    BlockNotAfterParent { block_slot: Slot, parent_slot: Slot },
    #[error("post-state is at slot {state_slot}, its block at slot {block_slot}")]
    PostStateSlotMismatch { block_slot: Slot, state_slot: Slot },
    #[error("post-state has {got} validators, the chain has {expected}")]
    ValidatorSetChanged { expected: usize, got: usize },

    // ---- attestations ------------------------------------------------------------------
    #[error(
        "attestation target epoch {target_epoch} is neither the current nor the previous epoch (current {current_epoch})"
    )]
    AttestationTargetEpoch {
        target_epoch: Epoch,
        current_epoch: Epoch,
    },
    #[error("attestation target epoch {target_epoch} is not the epoch of its slot {slot}")]
    AttestationTargetSlotMismatch { target_epoch: Epoch, slot: Slot },
    #[error("attestation target root {0} is unknown")]
    UnknownTargetRoot(Root),
    #[error("attestation head block {0} is unknown")]
    UnknownHeadBlock(Root),
    #[error("attestation at slot {attestation_slot} votes for a block from slot {block_slot}")]
    AttestationForFutureBlock {
        block_slot: Slot,
        attestation_slot: Slot,
    },
    #[error("attestation target {target:?} is not its head's checkpoint block {expected}")]
    AttestationTargetNotAncestor { target: Checkpoint, expected: Root },
    #[error("attestation slot {slot} is in the future (current slot {current_slot})")]
    FutureAttestation { slot: Slot, current_slot: Slot },
    #[error("validator index {index} is not below the validator count {count}")]
    UnknownValidator { index: u64, count: usize },

    // ---- attester slashings ------------------------------------------------------------
    #[error("the two attestations of the slashing are not slashable")]
    NotSlashable,

    // ---- internal consistency ----------------------------------------------------------
    #[error("{0} overflowed")]
    Overflow(&'static str),
    #[error("fork-choice tree is inconsistent: {0}")]
    Inconsistent(&'static str),
    #[error("state: {0}")]
    State(#[from] StateError),
    #[error(transparent)]
    Ssz(#[from] SszError),

    // ---- snapshots ---------------------------------------------------------------------
    #[error("invalid fork-choice snapshot: {0}")]
    InvalidSnapshot(&'static str),
}
