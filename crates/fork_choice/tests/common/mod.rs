//! A fork-building chain driver for fork-choice tests: unsigned blocks on any parent,
//! attestations by any subset of a slot's committees for any head.
#![allow(dead_code)]

use etn_fork_choice::genesis_block;
use etn_fork_choice::steps::{Checks, Step, StepRunner};
use etn_state::accessors::{EpochCommittees, get_committee_count_per_slot};
use etn_state::produce::{
    Attesters, BlockContents, aggregate_attestation, attestation_data, produce_block,
};
use etn_state::{SignatureStrategy, devnet_genesis_input, initialize_beacon_state, process_slots};
use etn_types::ssz::hash_tree_root;
use etn_types::*;
use std::collections::HashMap;

/// Genesis time of test chains, in seconds (not zero, so that offsets are exercised).
pub const GENESIS_TIME: u64 = 1_000;
pub const SLOT_MS: u64 = 2_000;
pub const VALIDATORS: u64 = 64;
pub const BALANCE: Gwei = MAX_EFFECTIVE_BALANCE;
/// 40% of one slot's committee weight (64 validators over 8 slots).
pub const BOOST: Gwei = 8 * BALANCE * 40 / 100;

/// Unix milliseconds at the start of `slot`.
pub fn t(slot: Slot) -> u64 {
    GENESIS_TIME * 1000 + slot * SLOT_MS
}

pub fn tick(slot: Slot) -> Step {
    Step::Tick { time_ms: t(slot) }
}

pub fn tick_at(slot: Slot, ms_into_slot: u64) -> Step {
    Step::Tick {
        time_ms: t(slot) + ms_into_slot,
    }
}

pub fn block(signed: &SignedBeaconBlock) -> Step {
    Step::Block {
        block: signed.clone(),
        valid: true,
    }
}

pub fn invalid_block(signed: &SignedBeaconBlock) -> Step {
    Step::Block {
        block: signed.clone(),
        valid: false,
    }
}

pub fn attestations(list: &[Attestation]) -> Vec<Step> {
    list.iter()
        .map(|a| Step::Attestation {
            attestation: a.clone(),
            valid: true,
        })
        .collect()
}

pub fn head_is(slot: Slot, root: Root) -> Step {
    Step::Checks(Checks {
        head: Some((slot, root)),
        ..Default::default()
    })
}

pub fn checks(checks: Checks) -> Step {
    Step::Checks(checks)
}

pub fn everyone(_: u64) -> bool {
    true
}

/// Blocks and their post-states, on any fork.
pub struct Chain {
    pub genesis: BeaconState,
    pub genesis_root: Root,
    states: HashMap<Root, BeaconState>,
    slots: HashMap<Root, Slot>,
}

impl Chain {
    pub fn new() -> Self {
        Self::with_validators(VALIDATORS)
    }

    pub fn with_validators(validators: u64) -> Self {
        let input = devnet_genesis_input(ChainConfig::minimal(), GENESIS_TIME, validators, &[]);
        let genesis = initialize_beacon_state(&input).unwrap();
        let (genesis_root, _) = genesis_block(&genesis).unwrap();
        Self {
            states: HashMap::from([(genesis_root, genesis.clone())]),
            slots: HashMap::from([(genesis_root, 0)]),
            genesis,
            genesis_root,
        }
    }

    pub fn runner(&self) -> StepRunner {
        StepRunner::from_genesis(self.genesis.clone(), SignatureStrategy::Skip).unwrap()
    }

    pub fn state(&self, root: &Root) -> &BeaconState {
        &self.states[root]
    }

    pub fn slot_of(&self, root: &Root) -> Slot {
        self.slots[root]
    }

    /// An unsigned block at `slot` on `parent` with `contents`.
    pub fn block_with(
        &mut self,
        parent: Root,
        slot: Slot,
        contents: BlockContents,
    ) -> (Root, SignedBeaconBlock) {
        let (signed, post) = produce_block(&self.states[&parent], slot, None, contents).unwrap();
        let root = hash_tree_root(&signed.message).unwrap();
        self.states.insert(root, post);
        self.slots.insert(root, slot);
        (root, signed)
    }

    /// An empty block; `graffiti` tells apart blocks of one slot on one parent.
    pub fn block(&mut self, parent: Root, slot: Slot, graffiti: u8) -> (Root, SignedBeaconBlock) {
        let contents = BlockContents {
            graffiti: Bytes32::from([graffiti; 32]),
            ..Default::default()
        };
        self.block_with(parent, slot, contents)
    }

    /// A block carrying the previous slot's attestations for `parent` by the validators
    /// `include` selects: the usual block of a healthy chain.
    pub fn block_with_votes(
        &mut self,
        parent: Root,
        slot: Slot,
        include: &dyn Fn(u64) -> bool,
    ) -> (Root, SignedBeaconBlock) {
        let contents = BlockContents {
            attestations: self.attestations(parent, slot - 1, include),
            ..Default::default()
        };
        self.block_with(parent, slot, contents)
    }

    /// `parent`'s post-state advanced (on a copy) to `slot`.
    pub fn state_at(&self, root: Root, slot: Slot) -> BeaconState {
        let mut state = self.states[&root].clone();
        if state.slot < slot {
            process_slots(&mut state, slot).unwrap();
        }
        state
    }

    /// One aggregate per committee of `slot`, voting for `head`, by the members
    /// `include` selects (committees with no one selected are left out).
    pub fn attestations(
        &self,
        head: Root,
        slot: Slot,
        include: &dyn Fn(u64) -> bool,
    ) -> Vec<Attestation> {
        let state = self.state_at(head, slot);
        (0..get_committee_count_per_slot(&state))
            .filter_map(|index| {
                let data = attestation_data(&state, slot, index).unwrap();
                aggregate_attestation(&state, data, Attesters::Unsigned(include)).unwrap()
            })
            .collect()
    }

    /// Validators in the committees of `slot` (as seen from `head`'s chain), sorted.
    pub fn committee_members(&self, head: Root, slot: Slot) -> Vec<u64> {
        let state = self.state_at(head, slot);
        let epoch = slot / state.config.slots_per_epoch;
        let committees = EpochCommittees::compute(&state, epoch);
        let mut members: Vec<u64> = (0..committees.committees_per_slot())
            .flat_map(|i| committees.committee(slot, i).unwrap().to_vec())
            .map(|v| v as u64)
            .collect();
        members.sort_unstable();
        members
    }

    /// A linear chain from `parent` over `slots`, each block carrying the previous
    /// slot's votes by `include`; the steps tick to each slot's start and import.
    pub fn extend(
        &mut self,
        mut parent: Root,
        slots: std::ops::RangeInclusive<Slot>,
        include: &dyn Fn(u64) -> bool,
        steps: &mut Vec<Step>,
    ) -> Vec<Root> {
        let mut roots = Vec::new();
        for slot in slots {
            let (root, signed) = self.block_with_votes(parent, slot, include);
            steps.push(tick(slot));
            steps.push(block(&signed));
            roots.push(root);
            parent = root;
        }
        roots
    }
}

/// Two roots of test blocks in increasing order, with their blocks.
pub fn ordered(
    a: (Root, SignedBeaconBlock),
    b: (Root, SignedBeaconBlock),
) -> ((Root, SignedBeaconBlock), (Root, SignedBeaconBlock)) {
    if a.0 < b.0 { (a, b) } else { (b, a) }
}

pub fn checkpoint(epoch: Epoch, root: Root) -> Checkpoint {
    Checkpoint { epoch, root }
}
