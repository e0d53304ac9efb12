//! The node-side work around fork choice that a vector's steps need: block post-states
//! from the state transition, committees for attesting indices, signature checks of
//! attestations and slashings. It does what a node's chain service does, minus I/O.

use crate::anchor::genesis_block;
use crate::error::ForkChoiceError;
use crate::store::ForkChoice;
use etn_state::accessors::EpochCommittees;
use etn_state::block::slashings::{is_slashable_attestation_data, is_valid_indexed_attestation};
use etn_state::signatures::SignatureVerifier;
use etn_state::{
    PubkeyCache, SignatureStrategy, StateError, StateRootCheck, process_slots, state_transition,
};
use etn_types::ssz::hash_tree_root;
use etn_types::*;
use std::collections::HashMap;

/// Why an input was refused: by fork choice, by the state transition or its checks, or
/// because the state it needs is unknown.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum StepError {
    #[error("fork choice: {0}")]
    ForkChoice(#[from] ForkChoiceError),
    #[error("state transition: {0}")]
    State(#[from] StateError),
    #[error("no state for block {0}")]
    UnknownState(Root),
}

impl From<SszError> for StepError {
    fn from(e: SszError) -> Self {
        Self::ForkChoice(e.into())
    }
}

/// A fork-choice store together with the post-state of every block it holds.
pub struct StepRunner {
    fork_choice: ForkChoice,
    states: HashMap<Root, BeaconState>,
    checkpoint_states: HashMap<Checkpoint, BeaconState>,
    pubkeys: PubkeyCache,
    strategy: SignatureStrategy,
}

impl StepRunner {
    /// A runner anchored at genesis whose clock starts at genesis time. `strategy` says
    /// how block, attestation and slashing signatures are checked (`Skip` for unsigned
    /// test chains).
    pub fn from_genesis(
        genesis_state: BeaconState,
        strategy: SignatureStrategy,
    ) -> Result<Self, ForkChoiceError> {
        let (root, block) = genesis_block(&genesis_state)?;
        let now = genesis_state.genesis_time.saturating_mul(1000);
        let fork_choice = ForkChoice::new(root, &block, &genesis_state, now)?;
        let pubkeys = match strategy {
            SignatureStrategy::Skip => PubkeyCache::default(),
            _ => PubkeyCache::build(&genesis_state),
        };
        Ok(Self {
            fork_choice,
            states: HashMap::from([(root, genesis_state)]),
            checkpoint_states: HashMap::new(),
            pubkeys,
            strategy,
        })
    }

    /// The store under test, for checks beyond those of a `checks` step.
    pub fn fork_choice(&self) -> &ForkChoice {
        &self.fork_choice
    }

    /// Mutable access, for tests that drive the store directly between steps.
    pub fn fork_choice_mut(&mut self) -> &mut ForkChoice {
        &mut self.fork_choice
    }

    /// Post-state of a block the runner imported.
    pub fn state(&self, root: &Root) -> Option<&BeaconState> {
        self.states.get(root)
    }

    pub(crate) fn state_count(&self) -> usize {
        self.states.len()
    }

    /// Imports a block at the store's current time, as a node would: fork choice's
    /// pre-checks, the state transition, `on_block`, then the block's attestations
    /// (`is_from_block`) and attester slashings, whose refusals are ignored as a node
    /// ignores them. Returns the block's root.
    pub fn apply_block(&mut self, signed: &SignedBeaconBlock) -> Result<Root, StepError> {
        let block = &signed.message;
        let now = self.fork_choice.time_ms();
        self.fork_choice.check_block(block, now)?;
        let mut post = self
            .states
            .get(&block.parent_root)
            .ok_or(StepError::UnknownState(block.parent_root))?
            .clone();
        state_transition(
            &mut post,
            signed,
            self.strategy,
            &self.pubkeys,
            StateRootCheck::Verify,
        )?;
        let root = hash_tree_root(block)?;
        self.fork_choice.on_block(root, block, &post, now)?;
        for attestation in block.body.attestations.iter() {
            if let Ok(indices) = attesting_indices(&post, attestation) {
                let _ = self
                    .fork_choice
                    .on_attestation(&indices, &attestation.data, true);
            }
        }
        for slashing in block.body.attester_slashings.iter() {
            let _ = self.fork_choice.on_attester_slashing(slashing);
        }
        self.states.insert(root, post);
        Ok(root)
    }

    /// A gossip attestation: fork choice's checks, committee and signature from the
    /// target checkpoint state, then `on_attestation`.
    pub fn apply_attestation(&mut self, attestation: &Attestation) -> Result<(), StepError> {
        let data = &attestation.data;
        self.fork_choice.validate_attestation(data, false)?;
        self.prepare_checkpoint_state(&data.target)?;
        let state = self
            .checkpoint_states
            .get(&data.target)
            .ok_or(StepError::UnknownState(data.target.root))?;
        let indices = attesting_indices(state, attestation)?;
        let indexed = IndexedAttestation {
            attesting_indices: indices
                .clone()
                .try_into()
                .map_err(|_| StateError::BadIndexedAttestation)?,
            data: *data,
            signature: attestation.signature,
        };
        let mut verifier = SignatureVerifier::new(self.strategy, &self.pubkeys);
        is_valid_indexed_attestation(state, &indexed, &mut verifier)?;
        verifier.finish()?;
        self.fork_choice.on_attestation(&indices, data, false)?;
        Ok(())
    }

    /// `on_attester_slashing` with the spec's checks against the justified state.
    pub fn apply_attester_slashing(
        &mut self,
        slashing: &AttesterSlashing,
    ) -> Result<(), StepError> {
        let (a, b) = (&slashing.attestation_1, &slashing.attestation_2);
        if !is_slashable_attestation_data(&a.data, &b.data) {
            return Err(ForkChoiceError::NotSlashable.into());
        }
        let justified = self.fork_choice.justified_checkpoint().root;
        let state = self
            .states
            .get(&justified)
            .ok_or(StepError::UnknownState(justified))?;
        let mut verifier = SignatureVerifier::new(self.strategy, &self.pubkeys);
        is_valid_indexed_attestation(state, a, &mut verifier)?;
        is_valid_indexed_attestation(state, b, &mut verifier)?;
        verifier.finish()?;
        self.fork_choice.on_attester_slashing(slashing)?;
        Ok(())
    }

    /// `store_target_checkpoint_state`: the target block's post-state advanced to the
    /// first slot of the target epoch, computed once per checkpoint.
    fn prepare_checkpoint_state(&mut self, target: &Checkpoint) -> Result<(), StepError> {
        if !self.checkpoint_states.contains_key(target) {
            let mut state = self
                .states
                .get(&target.root)
                .ok_or(StepError::UnknownState(target.root))?
                .clone();
            let start = self.fork_choice.timing().epoch_start_slot(target.epoch);
            if state.slot < start {
                process_slots(&mut state, start)?;
            }
            self.checkpoint_states.insert(*target, state);
        }
        Ok(())
    }
}

/// `get_attesting_indices`, sorted: the committee members whose aggregation bit is set.
fn attesting_indices(
    state: &BeaconState,
    attestation: &Attestation,
) -> Result<Vec<u64>, StateError> {
    let data = &attestation.data;
    let committees = EpochCommittees::compute(state, data.target.epoch);
    let committee = committees.committee(data.slot, data.index)?;
    if attestation.aggregation_bits.len() != committee.len() {
        return Err(StateError::AggregationBitsLength {
            expected: committee.len(),
            got: attestation.aggregation_bits.len(),
        });
    }
    let mut indices: Vec<u64> = committee
        .iter()
        .zip(attestation.aggregation_bits.iter())
        .filter(|(_, bit)| **bit)
        .map(|(v, _)| *v as u64)
        .collect();
    if indices.is_empty() {
        return Err(StateError::EmptyAttestation);
    }
    indices.sort_unstable();
    Ok(indices)
}
