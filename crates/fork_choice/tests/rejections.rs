//! Every refusal of fork choice: the bad input, the typed error, and a store that is
//! byte-for-byte what it was before.

mod common;

use common::*;
use etn_fork_choice::steps::Step;
use etn_fork_choice::{ForkChoice, ForkChoiceError, genesis_block};
use etn_types::*;

/// Feeds `$call` to `$fc`, expects the error `$pattern` and an unchanged store.
macro_rules! refused {
    ($fc:expr, $call:expr, $pattern:pat) => {{
        let before = $fc.to_bytes();
        let result = $call;
        assert!(matches!(result, Err($pattern)), "got {result:?}");
        assert_eq!($fc.to_bytes(), before, "a refused input changed the store");
    }};
}

/// G ── A(1) ── B(2), imported in their slots; the clock at slot 5.
struct Small {
    chain: Chain,
    fc: ForkChoice,
    g: Root,
    a: Root,
    b: Root,
}

fn small() -> Small {
    let mut chain = Chain::new();
    let g = chain.genesis_root;
    let (a, block_a) = chain.block(g, 1, 1);
    let (b, block_b) = chain.block(a, 2, 2);
    let mut fc = ForkChoice::from_genesis(&chain.genesis, t(0)).unwrap();
    fc.on_block(a, &block_a.message, chain.state(&a), t(1))
        .unwrap();
    fc.on_block(b, &block_b.message, chain.state(&b), t(2))
        .unwrap();
    fc.on_tick(t(5));
    Small { chain, fc, g, a, b }
}

#[test]
fn block_with_an_unknown_parent() {
    let Small {
        mut chain,
        mut fc,
        a,
        ..
    } = small();
    let (_, orphan_parent) = chain.block(a, 3, 9);
    let (c, orphan) = chain.block(hash(&orphan_parent), 4, 0);
    let post = chain.state(&c).clone();
    refused!(
        fc,
        fc.on_block(c, &orphan.message, &post, t(5)),
        ForkChoiceError::UnknownParent(_)
    );
}

fn hash(block: &SignedBeaconBlock) -> Root {
    etn_types::ssz::hash_tree_root(&block.message).unwrap()
}

#[test]
fn block_from_the_future() {
    let Small {
        mut chain,
        mut fc,
        b,
        ..
    } = small();
    let (c, early) = chain.block(b, 6, 0);
    let post = chain.state(&c).clone();
    refused!(
        fc,
        fc.on_block(c, &early.message, &post, t(5) + 1_999),
        ForkChoiceError::FutureBlock {
            block_slot: 6,
            current_slot: 5
        }
    );
    // The same block is fine once its slot has come.
    fc.on_block(c, &early.message, &post, t(6)).unwrap();
}

#[test]
fn block_not_after_its_parent() {
    let Small {
        chain, mut fc, b, ..
    } = small();
    let message = BeaconBlock {
        slot: 2,
        parent_root: b,
        ..Default::default()
    };
    refused!(
        fc,
        fc.on_block(Root::from([7; 32]), &message, chain.state(&b), t(5)),
        ForkChoiceError::BlockNotAfterParent {
            block_slot: 2,
            parent_slot: 2
        }
    );
}

#[test]
fn post_state_that_does_not_belong_to_the_block() {
    let Small {
        mut chain,
        mut fc,
        a,
        b,
        ..
    } = small();
    let (c, block_c) = chain.block(b, 3, 0);
    let wrong_slot = chain.state(&a).clone();
    refused!(
        fc,
        fc.on_block(c, &block_c.message, &wrong_slot, t(5)),
        ForkChoiceError::PostStateSlotMismatch {
            block_slot: 3,
            state_slot: 1
        }
    );
    let mut other = Chain::with_validators(32);
    let og = other.genesis_root;
    let (o, _) = other.block(og, 3, 0);
    let other_state = other.state(&o).clone();
    refused!(
        fc,
        fc.on_block(c, &block_c.message, &other_state, t(5)),
        ForkChoiceError::ValidatorSetChanged {
            expected: 64,
            got: 32
        }
    );
}

#[test]
fn blocks_before_or_off_the_finalized_checkpoint() {
    let mut chain = Chain::new();
    let g = chain.genesis_root;
    let mut steps = Vec::new();
    let main: Vec<Root> = [vec![g], chain.extend(g, 1..=33, &everyone, &mut steps)].concat();
    let (old, block_old) = chain.block(main[9], 10, 3);
    let (off, block_off) = chain.block(main[3], 20, 3);
    let mut runner = chain.runner();
    runner.run(&steps).unwrap();
    let fc = runner.fork_choice_mut();
    assert_eq!(fc.finalized_checkpoint(), checkpoint(2, main[16]));
    let (old_state, off_state) = (chain.state(&old).clone(), chain.state(&off).clone());
    refused!(
        fc,
        fc.on_block(old, &block_old.message, &old_state, t(33)),
        ForkChoiceError::BlockNotAfterFinalized {
            block_slot: 10,
            finalized_slot: 16
        }
    );
    refused!(
        fc,
        fc.on_block(off, &block_off.message, &off_state, t(33)),
        ForkChoiceError::NotDescendantOfFinalized { .. }
    );
}

fn data(slot: Slot, head: Root, target: Checkpoint) -> AttestationData {
    AttestationData {
        slot,
        index: 0,
        beacon_block_root: head,
        source: Checkpoint::default(),
        target,
    }
}

#[test]
fn attestations_refused_by_each_rule() {
    let Small {
        mut fc, g, a, b, ..
    } = small();
    let genesis = checkpoint(0, g);
    let unknown = Root::from([0xee; 32]);
    let who = [1u64, 2, 3];
    refused!(
        fc,
        fc.on_attestation(&who, &data(16, b, checkpoint(2, b)), false),
        ForkChoiceError::AttestationTargetEpoch {
            target_epoch: 2,
            current_epoch: 0
        }
    );
    // Attestations from blocks skip the epoch window; this one then fails on its slot.
    refused!(
        fc,
        fc.on_attestation(&who, &data(3, b, checkpoint(1, b)), true),
        ForkChoiceError::AttestationTargetSlotMismatch {
            target_epoch: 1,
            slot: 3
        }
    );
    refused!(
        fc,
        fc.on_attestation(&who, &data(3, b, checkpoint(0, unknown)), false),
        ForkChoiceError::UnknownTargetRoot(_)
    );
    refused!(
        fc,
        fc.on_attestation(&who, &data(3, unknown, genesis), false),
        ForkChoiceError::UnknownHeadBlock(_)
    );
    refused!(
        fc,
        fc.on_attestation(&who, &data(1, b, genesis), false),
        ForkChoiceError::AttestationForFutureBlock {
            block_slot: 2,
            attestation_slot: 1
        }
    );
    refused!(
        fc,
        fc.on_attestation(&who, &data(3, b, checkpoint(0, a)), false),
        ForkChoiceError::AttestationTargetNotAncestor { .. }
    );
    refused!(
        fc,
        fc.on_attestation(&who, &data(6, b, genesis), false),
        ForkChoiceError::FutureAttestation {
            slot: 6,
            current_slot: 5
        }
    );
    refused!(
        fc,
        fc.on_attestation(&[1, 64, 2], &data(4, b, genesis), false),
        ForkChoiceError::UnknownValidator {
            index: 64,
            count: 64
        }
    );
    // The same vote from valid validators is taken.
    fc.on_attestation(&who, &data(4, b, genesis), false)
        .unwrap();
    assert_eq!(fc.get_head().unwrap(), b);
    assert_eq!(fc.block_weight(&b), Some(3 * BALANCE));
    // A vote of the current slot is taken too, but counts from the next slot on.
    fc.on_attestation(&[9, 10], &data(5, b, genesis), false)
        .unwrap();
    fc.get_head().unwrap();
    assert_eq!(fc.block_weight(&b), Some(3 * BALANCE));
    fc.on_tick(t(6));
    fc.get_head().unwrap();
    assert_eq!(fc.block_weight(&b), Some(5 * BALANCE));
}

#[test]
fn attestations_of_an_old_epoch() {
    let Small { mut fc, g, b, .. } = small();
    fc.on_tick(t(16));
    refused!(
        fc,
        fc.on_attestation(&[1], &data(4, b, checkpoint(0, g)), false),
        ForkChoiceError::AttestationTargetEpoch {
            target_epoch: 0,
            current_epoch: 2
        }
    );
    // From a block, the same vote is still valid.
    fc.on_attestation(&[1], &data(4, b, checkpoint(0, g)), true)
        .unwrap();
}

#[test]
fn attester_slashings_that_prove_nothing() {
    let Small {
        mut fc, g, a, b, ..
    } = small();
    let indexed = |indices: Vec<u64>, head: Root| IndexedAttestation {
        attesting_indices: indices.try_into().unwrap(),
        data: data(3, head, checkpoint(0, g)),
        signature: BlsSignature::ZERO,
    };
    let same = AttesterSlashing {
        attestation_1: indexed(vec![1, 2], a),
        attestation_2: indexed(vec![1, 2], a),
    };
    refused!(
        fc,
        fc.on_attester_slashing(&same),
        ForkChoiceError::NotSlashable
    );
    let unknown = AttesterSlashing {
        attestation_1: indexed(vec![1, 99], a),
        attestation_2: indexed(vec![1, 99], b),
    };
    refused!(
        fc,
        fc.on_attester_slashing(&unknown),
        ForkChoiceError::UnknownValidator { index: 99, .. }
    );
    let good = AttesterSlashing {
        attestation_1: indexed(vec![1, 2, 5], a),
        attestation_2: indexed(vec![2, 5, 7], b),
    };
    fc.on_attester_slashing(&good).unwrap();
    assert_eq!(fc.equivocating_indices(), vec![2, 5]);
}

#[test]
fn anchors_that_do_not_fit_together() {
    let chain = Chain::new();
    let genesis = &chain.genesis;
    let (root, block) = genesis_block(genesis).unwrap();
    assert!(matches!(
        ForkChoice::new(Root::from([1; 32]), &block, genesis, 0),
        Err(ForkChoiceError::AnchorRootMismatch { .. })
    ));
    let mut wrong_state_root = block.clone();
    wrong_state_root.state_root = Root::from([2; 32]);
    assert!(matches!(
        ForkChoice::new(root, &wrong_state_root, genesis, 0),
        Err(ForkChoiceError::AnchorStateMismatch { .. })
    ));
    let mut wrong_slot = block.clone();
    wrong_slot.slot = 3;
    assert!(matches!(
        ForkChoice::new(root, &wrong_slot, genesis, 0),
        Err(ForkChoiceError::AnchorSlotMismatch {
            block_slot: 3,
            state_slot: 0
        })
    ));
    let mut no_slots = genesis.clone();
    no_slots.config.seconds_per_slot = 0;
    assert!(matches!(
        ForkChoice::from_genesis(&no_slots, 0),
        Err(ForkChoiceError::InvalidTiming(_))
    ));
    let mut empty = genesis.clone();
    empty.validators = Default::default();
    assert!(matches!(
        ForkChoice::from_genesis(&empty, 0),
        Err(ForkChoiceError::NoValidators)
    ));
    let mut not_genesis = genesis.clone();
    not_genesis.latest_block_header.body_root = Root::from([3; 32]);
    assert!(genesis_block(&not_genesis).is_err());
    // And the right anchor works, with the clock at `now`.
    let fc = ForkChoice::new(root, &block, genesis, t(3) + 5).unwrap();
    assert_eq!(fc.current_slot(), 3);
    assert_eq!(fc.justified_checkpoint(), checkpoint(0, root));
}

#[test]
fn steps_marked_invalid_must_be_refused_and_change_nothing() {
    let Small { mut chain, b, .. } = small();
    let (_, c) = chain.block(b, 3, 0);
    // C's parent B was never given to this runner: refused, and the runner says so
    // when the step claims C is valid.
    let mut runner = chain.runner();
    let valid_claim = [Step::Block {
        block: c.clone(),
        valid: true,
    }];
    assert!(runner.run(&valid_claim).is_err());
    let invalid_claim = [invalid_block(&c)];
    runner.run(&invalid_claim).unwrap();
}
