//! `on_block`: adding a block to the tree, with its checkpoints, pull-up and boost.

use crate::balances::slashed_indices;
use crate::error::ForkChoiceError;
use crate::proto_array::ProtoNode;
use crate::pull_up::unrealized_checkpoints;
use crate::store::ForkChoice;
use etn_types::{BeaconBlock, BeaconState, Root};

impl ForkChoice {
    /// Whether fork choice would take `block` at `now_ms`, judged from the block alone.
    ///
    /// These are the spec's `on_block` assertions that come before the state transition
    /// (known parent, not from the future, after the finalized slot, on the finalized
    /// chain), so a node can refuse a block before spending a transition on it. A
    /// `FutureBlock` may become acceptable later; the others never will.
    pub fn check_block(&self, block: &BeaconBlock, now_ms: u64) -> Result<(), ForkChoiceError> {
        let parent = self
            .proto
            .index_of(&block.parent_root)
            .ok_or(ForkChoiceError::UnknownParent(block.parent_root))?;
        let current_slot = self.timing.slot_at(now_ms.max(self.time_ms));
        if block.slot > current_slot {
            return Err(ForkChoiceError::FutureBlock {
                block_slot: block.slot,
                current_slot,
            });
        }
        let finalized_slot = self.timing.epoch_start_slot(self.finalized.epoch);
        if block.slot <= finalized_slot {
            return Err(ForkChoiceError::BlockNotAfterFinalized {
                block_slot: block.slot,
                finalized_slot,
            });
        }
        let checkpoint_block = self
            .proto
            .checkpoint_block(parent, finalized_slot)
            .and_then(|i| self.proto.node(i));
        if checkpoint_block.map(|n| n.root) != Some(self.finalized.root) {
            return Err(ForkChoiceError::NotDescendantOfFinalized {
                finalized: self.finalized,
            });
        }
        let parent_slot = self.proto.nodes()[parent].slot;
        if block.slot <= parent_slot {
            return Err(ForkChoiceError::BlockNotAfterParent {
                block_slot: block.slot,
                parent_slot,
            });
        }
        Ok(())
    }

    /// `on_block` for a block whose state transition the caller has run: `post_state`
    /// is its post-state and `block_root` its `hash_tree_root`.
    ///
    /// The clock first moves to `now_ms` (the arrival time, which decides the proposer
    /// boost). The block joins the tree with its realized checkpoints (from the
    /// post-state) and unrealized ones (the post-state pulled up to its epoch's end); the
    /// store's checkpoints take the realized ones, and also the unrealized ones when the
    /// block is from an earlier epoch, since no later epoch boundary will realize them
    /// for this store. A block already in the tree is accepted without effect. A refused
    /// block changes nothing, the clock included.
    pub fn on_block(
        &mut self,
        block_root: Root,
        block: &BeaconBlock,
        post_state: &BeaconState,
        now_ms: u64,
    ) -> Result<(), ForkChoiceError> {
        if self.contains_block(&block_root) {
            self.on_tick(now_ms);
            return Ok(());
        }
        self.check_block(block, now_ms)?;
        if post_state.slot != block.slot {
            return Err(ForkChoiceError::PostStateSlotMismatch {
                block_slot: block.slot,
                state_slot: post_state.slot,
            });
        }
        if post_state.validators.len() != self.validator_count() {
            return Err(ForkChoiceError::ValidatorSetChanged {
                expected: self.validator_count(),
                got: post_state.validators.len(),
            });
        }
        let unrealized = unrealized_checkpoints(post_state)?;
        let parent = self.proto.index_of(&block.parent_root);
        self.proto.insert(ProtoNode {
            root: block_root,
            parent,
            slot: block.slot,
            justified: post_state.current_justified_checkpoint,
            finalized: post_state.finalized_checkpoint,
            unrealized_justified: unrealized.justified,
            unrealized_finalized: unrealized.finalized,
            weight: 0,
            best_child: None,
            best_descendant: None,
            slashed: slashed_indices(post_state),
        })?;

        self.on_tick(now_ms);
        let is_timely = block.slot == self.current_slot()
            && self.timing.is_before_attesting_interval(self.time_ms);
        if is_timely && self.proposer_boost_root.is_none() {
            self.proposer_boost_root = Some(block_root);
        }
        self.update_checkpoints(
            post_state.current_justified_checkpoint,
            post_state.finalized_checkpoint,
        );
        self.update_unrealized(unrealized.justified, unrealized.finalized);
        if self.timing.epoch_at_slot(block.slot) < self.current_epoch() {
            self.update_checkpoints(unrealized.justified, unrealized.finalized);
        }
        Ok(())
    }
}
