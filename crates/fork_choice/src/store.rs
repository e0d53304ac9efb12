//! The fork-choice store: its construction, clock, checkpoints, head and read access.
//!
//! The block and attestation handlers live in [`crate::block`] and
//! [`crate::attestation`]; the encoding in [`crate::snapshot`]. All of them work on the
//! one [`ForkChoice`] value defined here.

use crate::balances::{
    effective_balances, justified_balances, proposer_score, slashed_indices, total_balance,
};
use crate::error::ForkChoiceError;
use crate::pending::PendingVotes;
use crate::proto_array::{ProtoArray, ProtoNode, Viability};
use crate::timing::Timing;
use crate::votes::Votes;
use etn_types::ssz::hash_tree_root;
use etn_types::{BeaconBlock, BeaconState, Checkpoint, Epoch, Gwei, Root, Slot};

/// LMD-GHOST with proposer boost over a proto-array, with Casper FFG checkpoints and the
/// unrealized-justification pull-up: the spec's `Store` plus the handlers that update it.
///
/// It holds no states and no blocks, only what head finding needs per block (slot,
/// parent, checkpoints), so it stays small enough to snapshot on every import. Block
/// post-states are computed by the caller and passed in; signatures and committees are
/// the caller's business too.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ForkChoice {
    pub(crate) timing: Timing,
    /// `store.time`, in Unix milliseconds.
    pub(crate) time_ms: u64,
    pub(crate) justified: Checkpoint,
    pub(crate) finalized: Checkpoint,
    pub(crate) unrealized_justified: Checkpoint,
    pub(crate) unrealized_finalized: Checkpoint,
    pub(crate) proposer_boost_root: Option<Root>,
    /// The boost currently included in the node weights: (block, score).
    pub(crate) applied_boost: Option<(Root, Gwei)>,
    pub(crate) proto: ProtoArray,
    pub(crate) votes: Votes,
    /// Attestations of the current slot, recorded at the next slot's tick.
    pub(crate) pending: PendingVotes,
    /// Genesis effective balance of every validator (fixed in etn).
    pub(crate) effective_balances: Vec<Gwei>,
    /// The balances the node weights were last computed with.
    pub(crate) applied_balances: Vec<Gwei>,
    /// The justified checkpoint those balances came from (`None` before the first
    /// `get_head`); they only change when it does.
    pub(crate) balances_from: Option<Checkpoint>,
    pub(crate) total_active_balance: Gwei,
}

/// One node of the tree, for `/eth/v1/debug/fork_choice` and for tests.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NodeSummary {
    pub root: Root,
    /// `None` for the oldest block of the tree (the anchor, or the finalized block).
    pub parent_root: Option<Root>,
    pub slot: Slot,
    /// Votes and boost on this block and its descendants, as of the last `get_head`.
    pub weight: Gwei,
    /// The block's post-state checkpoints (what `/eth/v1/debug/fork_choice` reports).
    pub justified: Checkpoint,
    pub finalized: Checkpoint,
    /// The post-state's checkpoints pulled up to the end of its epoch.
    pub unrealized_justified: Checkpoint,
    pub unrealized_finalized: Checkpoint,
    /// Where head finding went from here at the last `get_head` (`None`: no viable head
    /// below this block).
    pub best_child: Option<Root>,
    pub best_descendant: Option<Root>,
}

impl ForkChoice {
    /// A store anchored at a trusted block and its post-state: genesis, or a finalized
    /// block a node starts from. The anchor is both justified and finalized (at the
    /// epoch of its state), as in the spec's `get_forkchoice_store`; the clock starts at
    /// the anchor's slot and is then moved to `now_ms`.
    pub fn new(
        anchor_root: Root,
        anchor_block: &BeaconBlock,
        anchor_state: &BeaconState,
        now_ms: u64,
    ) -> Result<Self, ForkChoiceError> {
        let timing = Timing::from_state(anchor_state)?;
        if anchor_block.slot != anchor_state.slot {
            return Err(ForkChoiceError::AnchorSlotMismatch {
                block_slot: anchor_block.slot,
                state_slot: anchor_state.slot,
            });
        }
        let state_root = hash_tree_root(anchor_state)?;
        if anchor_block.state_root != state_root {
            return Err(ForkChoiceError::AnchorStateMismatch {
                block: anchor_block.state_root,
                state: state_root,
            });
        }
        let computed = hash_tree_root(anchor_block)?;
        if computed != anchor_root {
            return Err(ForkChoiceError::AnchorRootMismatch {
                given: anchor_root,
                computed,
            });
        }
        let effective = effective_balances(anchor_state);
        if effective.is_empty() {
            return Err(ForkChoiceError::NoValidators);
        }
        let total_active_balance = total_balance(&effective)?;
        let anchor = Checkpoint {
            epoch: timing.epoch_at_slot(anchor_state.slot),
            root: anchor_root,
        };
        let node = ProtoNode {
            root: anchor_root,
            parent: None,
            slot: anchor_block.slot,
            justified: anchor,
            finalized: anchor,
            unrealized_justified: anchor,
            unrealized_finalized: anchor,
            weight: 0,
            best_child: None,
            best_descendant: None,
            slashed: slashed_indices(anchor_state),
        };
        let validators = effective.len();
        let mut store = Self {
            timing,
            time_ms: timing.slot_start_ms(anchor_state.slot),
            justified: anchor,
            finalized: anchor,
            unrealized_justified: anchor,
            unrealized_finalized: anchor,
            proposer_boost_root: None,
            applied_boost: None,
            proto: ProtoArray::with_root(node),
            votes: Votes::new(validators),
            pending: PendingVotes::new(validators),
            effective_balances: effective,
            applied_balances: vec![0; validators],
            balances_from: None,
            total_active_balance,
        };
        store.on_tick(now_ms);
        Ok(store)
    }

    /// Advances the clock (`on_tick`). At a new slot the proposer boost ends and the
    /// held attestations of the past slot become latest messages; at a new epoch the
    /// best unrealized checkpoints seen so far become the store's (the pull-up). Slots skipped over are handled as if ticked one by one, in O(1): the
    /// unrealized checkpoints cannot change without a block. Time never goes back: an
    /// earlier `now_ms` is ignored.
    pub fn on_tick(&mut self, now_ms: u64) {
        if now_ms <= self.time_ms {
            return;
        }
        let previous_slot = self.current_slot();
        self.time_ms = now_ms;
        let current_slot = self.current_slot();
        if current_slot == previous_slot {
            return;
        }
        self.proposer_boost_root = None;
        for vote in self.pending.release() {
            self.votes
                .record(vote.validator as usize, vote.node, vote.target_epoch);
        }
        if self.timing.epoch_at_slot(current_slot) > self.timing.epoch_at_slot(previous_slot) {
            self.update_checkpoints(self.unrealized_justified, self.unrealized_finalized);
        }
    }

    /// `update_checkpoints`: checkpoints only ever move to later epochs.
    pub(crate) fn update_checkpoints(&mut self, justified: Checkpoint, finalized: Checkpoint) {
        if justified.epoch > self.justified.epoch {
            self.justified = justified;
        }
        if finalized.epoch > self.finalized.epoch {
            self.finalized = finalized;
        }
    }

    pub(crate) fn update_unrealized(&mut self, justified: Checkpoint, finalized: Checkpoint) {
        if justified.epoch > self.unrealized_justified.epoch {
            self.unrealized_justified = justified;
        }
        if finalized.epoch > self.unrealized_finalized.epoch {
            self.unrealized_finalized = finalized;
        }
    }

    /// The head: LMD-GHOST from the justified block over the viable part of the tree.
    ///
    /// Applies the votes, balance changes, equivocations and proposer boost that changed
    /// since the last call as deltas, then re-runs the best-child pass. Either all of
    /// that is committed or, on an internal inconsistency (an error), nothing is.
    pub fn get_head(&mut self) -> Result<Root, ForkChoiceError> {
        let justified_index =
            self.proto
                .index_of(&self.justified.root)
                .ok_or(ForkChoiceError::Inconsistent(
                    "justified block not in the tree",
                ))?;
        let new_balances = (self.balances_from != Some(self.justified)).then(|| {
            let slashed = &self.proto.nodes()[justified_index].slashed;
            justified_balances(&self.effective_balances, slashed)
        });
        let mut deltas = self.votes.deltas(
            self.proto.len(),
            &self.applied_balances,
            new_balances.as_deref().unwrap_or(&self.applied_balances),
        )?;
        if let Some((root, score)) = self.applied_boost
            && let Some(index) = self.proto.index_of(&root)
        {
            deltas[index] = deltas[index]
                .checked_sub(signed(score)?)
                .ok_or(ForkChoiceError::Overflow("boost delta"))?;
        }
        let score = proposer_score(self.total_active_balance, self.timing.slots_per_epoch);
        let new_boost = self
            .proposer_boost_root
            .and_then(|root| Some((root, self.proto.index_of(&root)?)));
        if let Some((_, index)) = new_boost {
            deltas[index] = deltas[index]
                .checked_add(signed(score)?)
                .ok_or(ForkChoiceError::Overflow("boost delta"))?;
        }
        let weights = self.proto.weights_after(deltas)?;

        self.proto.set_weights(&weights);
        self.votes.commit();
        if let Some(balances) = new_balances {
            self.applied_balances = balances;
            self.balances_from = Some(self.justified);
        }
        self.applied_boost = new_boost.map(|(root, _)| (root, score));
        self.proto.update_best(&Viability {
            current_epoch: self.current_epoch(),
            justified: self.justified,
            finalized: self.finalized,
            slots_per_epoch: self.timing.slots_per_epoch,
        });
        let head = self.proto.head_from(justified_index);
        Ok(self.proto.nodes()[head].root)
    }

    /// Drops the blocks that can no longer become canonical: everything but the
    /// finalized block and its descendants that agree with the finalized checkpoint.
    /// Returns their roots so that the caller can delete them from storage. Cost is
    /// linear in the tree; call it when finality advances, not on every block.
    pub fn prune(&mut self) -> Vec<Root> {
        let pruned = self
            .proto
            .prune(&self.finalized, self.timing.slots_per_epoch);
        if !pruned.dropped.is_empty() {
            self.votes.renumber(&pruned.new_index);
            self.pending.renumber(&pruned.new_index);
        }
        pruned.dropped
    }

    /// The checkpoint head finding starts from; attesters use it as their source.
    pub fn justified_checkpoint(&self) -> Checkpoint {
        self.justified
    }

    /// No block conflicting with this checkpoint is accepted; `prune` drops such blocks.
    pub fn finalized_checkpoint(&self) -> Checkpoint {
        self.finalized
    }

    /// Best justified checkpoint seen in any block's pulled-up state; becomes the
    /// justified checkpoint at the next epoch boundary.
    pub fn unrealized_justified_checkpoint(&self) -> Checkpoint {
        self.unrealized_justified
    }

    /// Best finalized checkpoint seen in any block's pulled-up state; becomes the
    /// finalized checkpoint at the next epoch boundary.
    pub fn unrealized_finalized_checkpoint(&self) -> Checkpoint {
        self.unrealized_finalized
    }

    /// The block boosted in this slot, if a timely one arrived.
    pub fn proposer_boost_root(&self) -> Option<Root> {
        self.proposer_boost_root
    }

    /// `store.time`, in Unix milliseconds.
    pub fn time_ms(&self) -> u64 {
        self.time_ms
    }

    /// The chain's clock parameters, for callers that convert slots and times.
    pub fn timing(&self) -> Timing {
        self.timing
    }

    /// The slot of the store's clock (the last tick), not of the wall clock.
    pub fn current_slot(&self) -> Slot {
        self.timing.slot_at(self.time_ms)
    }

    /// The epoch of [`current_slot`](Self::current_slot).
    pub fn current_epoch(&self) -> Epoch {
        self.timing.epoch_at_slot(self.current_slot())
    }

    /// Size of the (fixed) validator set: attesting indices must be below it.
    pub fn validator_count(&self) -> usize {
        self.votes.len()
    }

    /// Validators whose votes no longer count, in increasing order.
    pub fn equivocating_indices(&self) -> Vec<u64> {
        self.votes.equivocating_indices().collect()
    }

    /// Whether `root` is in the tree (imported and not pruned): a node asks before
    /// importing a child or processing an attestation that names it.
    pub fn contains_block(&self, root: &Root) -> bool {
        self.proto.index_of(root).is_some()
    }

    /// Slot of a block in the tree, without a trip to the node's block storage.
    pub fn block_slot(&self, root: &Root) -> Option<Slot> {
        self.proto.get(root).map(|n| n.slot)
    }

    /// The parent of `root`, if both are in the tree (the tree's root has none).
    pub fn block_parent(&self, root: &Root) -> Option<Root> {
        let parent = self.proto.get(root)?.parent?;
        self.proto.node(parent).map(|n| n.root)
    }

    /// Weight of `root`'s subtree as of the last `get_head`.
    pub fn block_weight(&self, root: &Root) -> Option<Gwei> {
        self.proto.get(root).map(|n| n.weight)
    }

    /// The block at or before `slot` on `root`'s chain (`get_ancestor`); `None` if
    /// `root` is unknown or `slot` is older than the tree's root.
    pub fn ancestor_at_slot(&self, root: &Root, slot: Slot) -> Option<Root> {
        let index = self.proto.index_of(root)?;
        let ancestor = self.proto.ancestor_at_slot(index, slot)?;
        self.proto.node(ancestor).map(|n| n.root)
    }

    /// Whether `root` is `ancestor` or one of its descendants.
    pub fn is_descendant(&self, ancestor: &Root, root: &Root) -> bool {
        match (self.proto.get(ancestor), self.proto.index_of(root)) {
            (Some(a), Some(index)) => self
                .proto
                .ancestor_at_slot(index, a.slot)
                .and_then(|i| self.proto.node(i))
                .is_some_and(|n| n.root == *ancestor),
            _ => false,
        }
    }

    /// Every block of the tree, parents before children.
    pub fn nodes(&self) -> Vec<NodeSummary> {
        let nodes = self.proto.nodes();
        let root_of = |i: Option<usize>| i.and_then(|i| nodes.get(i)).map(|n| n.root);
        nodes
            .iter()
            .map(|n| NodeSummary {
                root: n.root,
                parent_root: root_of(n.parent),
                slot: n.slot,
                weight: n.weight,
                justified: n.justified,
                finalized: n.finalized,
                unrealized_justified: n.unrealized_justified,
                unrealized_finalized: n.unrealized_finalized,
                best_child: root_of(n.best_child),
                best_descendant: root_of(n.best_descendant),
            })
            .collect()
    }
}

fn signed(amount: Gwei) -> Result<i64, ForkChoiceError> {
    i64::try_from(amount).map_err(|_| ForkChoiceError::Overflow("boost score"))
}
