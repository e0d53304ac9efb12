//! The chain: one owner of fork choice, the store, recent states and the operation pool.
//!
//! `Chain` is synchronous and deterministic given its inputs (blocks, attestations, and
//! the time passed in), so it can be tested and benchmarked without a runtime; the
//! [`crate::service`] task wraps it and feeds it from channels.

mod error;
pub mod gossip;
pub mod op_pool;
mod persist;
mod produce;
pub mod query;
mod state_cache;

pub use error::ChainError;
pub use op_pool::OpPool;

use etn_fork_choice::{ForkChoice, ForkChoiceError};
use etn_state::accessors::{EpochCommittees, compute_epoch_at_slot};
use etn_state::{
    PubkeyCache, SignatureStrategy, StateRootCheck, VerifiedSignatures, state_transition_trusting,
};
use etn_store::{ChainStore, StoreBatch};
use etn_types::ssz::hash_tree_root;
use etn_types::*;
use state_cache::StateCache;

/// Post-states kept in memory (about four epochs of the minimal preset).
const STATE_CACHE_SIZE: usize = 32;

/// Epochs a verified gossip signature is remembered for: operations are included within a
/// few slots of being gossiped, and attestations within an epoch.
const VERIFIED_SIGNATURE_EPOCHS: u64 = 2;

/// The canonical head as fork choice last chose it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Head {
    pub root: Root,
    pub slot: Slot,
}

/// What a fork-choice update (an import, a tick, a vote) changed.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Changes {
    pub new_head: Option<Head>,
    pub new_justified: Option<Checkpoint>,
    pub new_finalized: Option<Checkpoint>,
}

/// What importing a block changed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ImportOutcome {
    pub root: Root,
    pub slot: Slot,
    /// False when the block was already known (nothing was done).
    pub imported: bool,
    pub changes: Changes,
}

pub struct Chain<S: ChainStore> {
    store: S,
    fork_choice: ForkChoice,
    pubkeys: PubkeyCache,
    states: StateCache,
    op_pool: OpPool,
    genesis_root: Root,
    genesis_state: BeaconState,
    head: Head,
    /// The checkpoints last persisted, to notice when fork choice moves them.
    justified: Checkpoint,
    finalized: Checkpoint,
    /// How imported blocks' signatures are checked: batched by default; `Skip` only for
    /// experiments and benchmarks that run BLS-free chains.
    signatures: SignatureStrategy,
    /// Gossip already seen, to ignore duplicates.
    seen: gossip::SeenCache,
    /// Signatures gossip validation verified (proposals, aggregates, ticket operations,
    /// payloads), so importing a block that carries them does not verify them again.
    verified: VerifiedSignatures,
}

impl<S: ChainStore> Chain<S> {
    /// Resumes the chain in `store`, or starts it from `genesis` if the store is empty.
    pub fn open(store: S, genesis: Option<BeaconState>, now_ms: u64) -> Result<Self, ChainError> {
        let loaded = persist::load_or_initialise(&store, genesis, now_ms)?;
        let pubkeys = PubkeyCache::build(&loaded.genesis_state);
        let mut chain = Self {
            store,
            fork_choice: loaded.fork_choice,
            pubkeys,
            states: StateCache::new(STATE_CACHE_SIZE),
            op_pool: OpPool::default(),
            genesis_root: loaded.genesis_root,
            genesis_state: loaded.genesis_state,
            head: Head {
                root: loaded.genesis_root,
                slot: 0,
            },
            justified: loaded.fork_choice_justified,
            finalized: loaded.fork_choice_finalized,
            signatures: SignatureStrategy::Bulk,
            seen: gossip::SeenCache::default(),
            verified: VerifiedSignatures::default(),
        };
        let head_root = chain.fork_choice.get_head()?;
        chain.state_for(&head_root)?;
        chain.head = Head {
            root: head_root,
            slot: chain.fork_choice.block_slot(&head_root).unwrap_or(0),
        };
        chain.on_tick(now_ms)?;
        Ok(chain)
    }

    pub fn head(&self) -> Head {
        self.head
    }

    /// Chooses how imported blocks' signatures are checked (default: batched).
    pub fn set_signature_strategy(&mut self, strategy: SignatureStrategy) {
        self.signatures = strategy;
    }

    pub fn genesis_root(&self) -> Root {
        self.genesis_root
    }

    pub fn genesis_state(&self) -> &BeaconState {
        &self.genesis_state
    }

    pub fn config(&self) -> &ChainConfig {
        &self.genesis_state.config
    }

    pub fn justified(&self) -> Checkpoint {
        self.fork_choice.justified_checkpoint()
    }

    pub fn finalized(&self) -> Checkpoint {
        self.fork_choice.finalized_checkpoint()
    }

    pub fn fork_choice(&self) -> &ForkChoice {
        &self.fork_choice
    }

    pub fn store(&self) -> &S {
        &self.store
    }

    pub fn op_pool(&self) -> &OpPool {
        &self.op_pool
    }

    pub fn pubkeys(&self) -> &PubkeyCache {
        &self.pubkeys
    }

    /// The current slot by fork choice's clock.
    pub fn current_slot(&self) -> Slot {
        self.fork_choice.current_slot()
    }

    /// Moves fork choice's clock: proposer boost expires, and at epoch boundaries pulled-up
    /// checkpoints are realized (which may move justification and finality).
    pub fn on_tick(&mut self, now_ms: u64) -> Result<Changes, ChainError> {
        self.fork_choice.on_tick(now_ms);
        let spe = self.genesis_state.config.slots_per_epoch;
        self.verified.prune(
            self.current_slot()
                .saturating_sub(VERIFIED_SIGNATURE_EPOCHS * spe),
        );
        self.settle(StoreBatch::default())
    }

    /// After fork choice changed: finds the new head and checkpoints, prunes what finality
    /// excluded, and persists the pointers and fork choice with `batch` (if anything is in
    /// it or a checkpoint moved) in one atomic write.
    fn settle(&mut self, mut batch: StoreBatch) -> Result<Changes, ChainError> {
        let mut changes = Changes::default();
        let justified = self.fork_choice.justified_checkpoint();
        let finalized = self.fork_choice.finalized_checkpoint();
        if finalized != self.finalized {
            self.add_pruning(&mut batch, self.finalized, finalized)?;
            changes.new_finalized = Some(finalized);
        }
        if justified != self.justified {
            changes.new_justified = Some(justified);
        }
        let head_root = self.fork_choice.get_head()?;
        if !batch.is_empty() || changes.new_finalized.is_some() || changes.new_justified.is_some() {
            persist::add_pointers(&mut batch, self.genesis_root, head_root, &self.fork_choice);
            batch.put_fork_choice(self.fork_choice.to_bytes());
            self.store.commit(batch)?;
        }
        self.justified = justified;
        self.finalized = finalized;
        if changes.new_finalized.is_some() {
            let spe = self.genesis_state.config.slots_per_epoch;
            self.seen.prune(finalized.epoch.saturating_mul(spe));
        }
        changes.new_head = self.update_head(head_root)?;
        Ok(changes)
    }

    /// The post-state of the head block.
    pub fn head_state(&mut self) -> Result<&BeaconState, ChainError> {
        let root = self.head.root;
        self.state_for(&root)
    }

    pub fn block(&self, root: &Root) -> Result<Option<SignedBeaconBlock>, ChainError> {
        Ok(self.store.block(root)?)
    }

    /// Verifies, executes, scores and persists `block`. Nothing about the chain changes
    /// unless the block is valid; the block and the pointers that may now reference it are
    /// written in one atomic, durable batch before this returns.
    pub fn import_block(
        &mut self,
        block: &SignedBeaconBlock,
        now_ms: u64,
    ) -> Result<ImportOutcome, ChainError> {
        let message = &block.message;
        let root = hash_tree_root(message)?;
        let mut outcome = ImportOutcome {
            root,
            slot: message.slot,
            imported: false,
            changes: Changes::default(),
        };
        // Known: in fork choice, or stored history that finality pruned from it.
        if self.fork_choice.contains_block(&root) || self.store.block(&root)?.is_some() {
            return Ok(outcome);
        }
        // Cheap checks first (parent known, not from the future, on the finalized chain),
        // so a useless block costs no state transition.
        self.fork_choice
            .check_block(message, now_ms)
            .map_err(|e| match e {
                ForkChoiceError::UnknownParent { .. } => {
                    ChainError::UnknownParent(message.parent_root)
                }
                other => ChainError::ForkChoice(other),
            })?;
        let mut post = self.state_for(&message.parent_root)?.clone();
        let parent_epoch = compute_epoch_at_slot(&post, post.slot);
        state_transition_trusting(
            &mut post,
            block,
            self.signatures,
            &self.pubkeys,
            &self.verified,
            StateRootCheck::Verify,
        )?;

        self.fork_choice.on_block(root, message, &post, now_ms)?;
        self.apply_block_votes(message, &post);

        // A state at every epoch's first block bounds replays to one epoch of blocks.
        let store_state = compute_epoch_at_slot(&post, message.slot) != parent_epoch;
        let batch = persist::import_batch(root, block, store_state.then_some(&post));
        self.states.insert(root, post);
        outcome.changes = self.settle(batch)?;
        outcome.imported = true;
        if let Some(head) = outcome.changes.new_head.filter(|h| h.root == root) {
            let state = self.state_for(&head.root)?.clone();
            self.op_pool.prune(&message.body, &state);
        }
        Ok(outcome)
    }

    /// Feeds a block's attestations and slashings to fork choice as votes.
    fn apply_block_votes(&mut self, block: &BeaconBlock, post: &BeaconState) {
        for slashing in block.body.attester_slashings.iter() {
            // The state transition already proved it slashable.
            let _ = self.fork_choice.on_attester_slashing(slashing);
        }
        for attestation in block.body.attestations.iter() {
            if let Ok(indices) = attesting_indices(post, attestation) {
                // A vote fork choice cannot use (e.g. for a block it pruned) is skipped:
                // the block itself is valid, which is all that matters here.
                let _ = self
                    .fork_choice
                    .on_attestation(&indices, &attestation.data, true);
            }
        }
    }

    /// An attestation from gossip or a local validator: checked against the head state's
    /// committees and signature, then counted by fork choice and pooled for inclusion.
    pub fn on_attestation(
        &mut self,
        attestation: Attestation,
        now_ms: u64,
    ) -> Result<(), ChainError> {
        self.fork_choice.on_tick(now_ms);
        let state = self.attestation_state(&attestation.data)?;
        let indices = attesting_indices(&state, &attestation)?;
        verify_attestation_signature(
            &state,
            &self.pubkeys,
            &mut self.verified,
            &attestation,
            &indices,
        )?;
        self.fork_choice
            .on_attestation(&indices, &attestation.data, false)?;
        self.op_pool.insert_attestation(attestation);
        Ok(())
    }

    /// A state whose committees are the ones an attestation was made with: the head's when
    /// the attested block is on the head's chain, otherwise the attested block's own state
    /// advanced into the attestation's epoch (after a partition the two forks' shufflings
    /// may differ, and honest votes for the other fork must still verify).
    pub fn attestation_state(&mut self, data: &AttestationData) -> Result<BeaconState, ChainError> {
        let head = self.head.root;
        let mut state = if self
            .fork_choice
            .is_descendant(&data.beacon_block_root, &head)
        {
            self.head_state()?.clone()
        } else {
            self.state_for(&data.beacon_block_root)?.clone()
        };
        // Committees are known one epoch ahead; further than that the state must move on.
        let spe = state.config.slots_per_epoch.max(1);
        if state.slot / spe + 1 < data.target.epoch {
            etn_state::process_slots(&mut state, data.target.epoch.saturating_mul(spe))?;
        }
        Ok(state)
    }

    pub fn op_pool_mut(&mut self) -> &mut OpPool {
        &mut self.op_pool
    }

    fn update_head(&mut self, root: Root) -> Result<Option<Head>, ChainError> {
        if root == self.head.root {
            return Ok(None);
        }
        let slot = self.fork_choice.block_slot(&root).ok_or_else(|| {
            ChainError::Inconsistent(format!("head {root} unknown to fork choice"))
        })?;
        self.head = Head { root, slot };
        self.states.touch(&root);
        Ok(Some(self.head))
    }

    /// The post-state of block `root`: from memory, from the store, or rebuilt by replaying
    /// blocks from the nearest ancestor whose state is stored.
    pub fn state_for(&mut self, root: &Root) -> Result<&BeaconState, ChainError> {
        if self.states.get(root).is_none() {
            let state = persist::rebuild_state(&self.store, &self.states, &self.pubkeys, root)?;
            self.states.insert(*root, state);
        }
        self.states.get(root).ok_or(ChainError::MissingState(*root))
    }
}

/// The validators whose bits are set in `attestation`, by the committees of `state`.
pub fn attesting_indices(
    state: &BeaconState,
    attestation: &Attestation,
) -> Result<Vec<u64>, ChainError> {
    let committees = EpochCommittees::compute(state, attestation.data.target.epoch);
    let committee = committees
        .committee(attestation.data.slot, attestation.data.index)
        .map_err(ChainError::State)?;
    if committee.len() != attestation.aggregation_bits.len() {
        return Err(ChainError::State(
            etn_state::StateError::AggregationBitsLength {
                expected: committee.len(),
                got: attestation.aggregation_bits.len(),
            },
        ));
    }
    let indices: Vec<u64> = committee
        .iter()
        .zip(attestation.aggregation_bits.iter())
        .filter(|(_, bit)| **bit)
        .map(|(v, _)| *v as u64)
        .collect();
    if indices.is_empty() {
        return Err(ChainError::State(etn_state::StateError::EmptyAttestation));
    }
    Ok(indices)
}

fn verify_attestation_signature(
    state: &BeaconState,
    pubkeys: &PubkeyCache,
    verified: &mut VerifiedSignatures,
    attestation: &Attestation,
    indices: &[u64],
) -> Result<(), ChainError> {
    let invalid = || {
        ChainError::State(etn_state::StateError::InvalidSignature(
            etn_state::SignedObject::Attestation,
        ))
    };
    let keys: Vec<_> = indices
        .iter()
        .filter_map(|i| pubkeys.validator(*i))
        .collect();
    if keys.len() != indices.len() {
        return Err(invalid());
    }
    let signature =
        etn_crypto::Signature::from_bytes_deferred_check(attestation.signature.as_ref())
            .map_err(|_| invalid())?;
    let root = etn_state::signatures::signing_root(
        state,
        &attestation.data,
        DOMAIN_BEACON_ATTESTER,
        attestation.data.target.epoch,
    )?;
    let set = etn_crypto::SignatureSet::multiple_pubkeys(&signature, keys, root);
    if verified.verify(attestation.data.slot, &set) {
        Ok(())
    } else {
        Err(invalid())
    }
}
