//! Fork-choice scenarios in the steps form of Ethereum's fork-choice vectors. Each test
//! builds its blocks and attestations first, as plain values, then runs them as one
//! `Vec<Step>` through the step runner.
//!
//! Test chains: 64 validators, minimal preset (8 slots per epoch, 2 committees of 4 per
//! slot, 2-second slots), no BLS.

mod common;

use common::*;
use etn_fork_choice::ForkChoiceError;
use etn_fork_choice::steps::{Checks, Step, StepError};
use etn_state::produce::BlockContents;
use etn_types::*;

/// Two forks from genesis; the one with more attesting weight is the head, whichever
/// arrived first, and the head moves when the weight does.
#[test]
fn competing_forks_are_decided_by_attestation_weight() {
    let mut chain = Chain::new();
    let g = chain.genesis_root;
    let (a, block_a) = chain.block(g, 1, 1);
    let (b, block_b) = chain.block(g, 2, 2);
    let votes_b = chain.attestations(b, 2, &everyone); // slot 2's 8 validators
    let votes_a = chain.attestations(a, 3, &everyone); // slot 3's 8 validators
    let more_a = chain.attestations(a, 4, &|v| v % 2 == 0); // some of slot 4's

    let mut steps = vec![tick(1), block(&block_a), head_is(1, a)];
    steps.extend([tick(2), block(&block_b)]);
    // Slot 2's votes arrive in slot 2: taken, but held until the slot is over.
    steps.extend(attestations(&votes_b));
    steps.push(checks(Checks {
        head: Some((2, b)),
        proposer_boost_root: Some(b),
        weights: vec![(b, BOOST), (a, 0)],
        ..Default::default()
    }));
    // A vote of a later slot is refused.
    steps.push(Step::Attestation {
        attestation: votes_a[0].clone(),
        valid: false,
    });
    steps.push(tick(3));
    steps.push(checks(Checks {
        head: Some((2, b)),
        proposer_boost_root: Some(Root::ZERO),
        weights: vec![(b, 8 * BALANCE), (a, 0), (g, 8 * BALANCE)],
        ..Default::default()
    }));
    steps.push(tick(4));
    steps.extend(attestations(&votes_a));
    // 8 against 8: the larger root wins the tie.
    steps.push(head_is(if a > b { 1 } else { 2 }, a.max(b)));
    steps.push(tick(5));
    steps.extend(attestations(&more_a));
    let extra = chain
        .committee_members(a, 4)
        .iter()
        .filter(|v| *v % 2 == 0)
        .count() as u64;
    assert!(extra > 0, "some of slot 4's committee votes");
    steps.push(checks(Checks {
        head: Some((1, a)),
        weights: vec![(a, (8 + extra) * BALANCE), (b, 8 * BALANCE)],
        ..Default::default()
    }));

    chain.runner().run(&steps).unwrap();
}

/// Two blocks of the same slot on the same parent, no votes: the first timely one is
/// boosted and wins the tie although its root is smaller; at the next slot the boost
/// ends and the root tie-break decides again.
#[test]
fn proposer_boost_decides_a_tie_and_expires_at_the_next_slot() {
    let mut chain = Chain::new();
    let g = chain.genesis_root;
    let ((low, block_low), (high, block_high)) =
        ordered(chain.block(g, 1, 1), chain.block(g, 1, 2));

    let steps = vec![
        tick_at(1, 100),
        block(&block_low),
        block(&block_high), // timely too, but not the first
        checks(Checks {
            head: Some((1, low)),
            proposer_boost_root: Some(low),
            weights: vec![(low, BOOST), (high, 0)],
            ..Default::default()
        }),
        tick_at(1, 1_900), // still slot 1: still boosted
        checks(Checks {
            head: Some((1, low)),
            proposer_boost_root: Some(low),
            ..Default::default()
        }),
        tick(2),
        checks(Checks {
            head: Some((1, high)),
            proposer_boost_root: Some(Root::ZERO),
            weights: vec![(low, 0), (high, 0)],
            ..Default::default()
        }),
    ];
    chain.runner().run(&steps).unwrap();
}

/// A block that arrives after the attestation deadline gets no boost and no votes (its
/// slot's attesters voted for its parent); the next proposer builds on the parent, is
/// boosted, and the late block is reorged out.
#[test]
fn a_late_block_is_reorged_out() {
    let mut chain = Chain::new();
    let g = chain.genesis_root;
    let (a, block_a) = chain.block_with_votes(g, 1, &everyone);
    let (late, block_late) = chain.block(a, 2, 0);
    // Slot 2's attesters saw no block by the deadline: they vote for A.
    let slot2_votes = chain.attestations(a, 2, &everyone);
    let (c, block_c) = chain.block_with(
        a,
        3,
        BlockContents {
            attestations: slot2_votes.clone(),
            ..Default::default()
        },
    );
    let slot3_votes = chain.attestations(c, 3, &everyone);

    let mut steps = vec![tick(1), block(&block_a)];
    steps.push(tick_at(2, 1_000)); // 1000 ms into a 2000 ms slot: after the 666 ms deadline
    steps.push(block(&block_late));
    steps.push(checks(Checks {
        head: Some((2, late)),
        proposer_boost_root: Some(Root::ZERO),
        ..Default::default()
    }));
    steps.push(tick_at(3, 300));
    steps.push(block(&block_c));
    steps.push(checks(Checks {
        head: Some((3, c)),
        proposer_boost_root: Some(c),
        weights: vec![(late, 0), (c, BOOST), (a, BOOST + 8 * BALANCE)],
        ..Default::default()
    }));
    // The boost ends, but C now has its own slot's votes.
    steps.push(tick(4));
    steps.extend(attestations(&slot3_votes));
    steps.push(checks(Checks {
        head: Some((3, c)),
        proposer_boost_root: Some(Root::ZERO),
        weights: vec![(late, 0), (c, 8 * BALANCE)],
        ..Default::default()
    }));
    chain.runner().run(&steps).unwrap();
}

/// The double vote of an indexed attestation pair: the same target, two heads.
fn double_vote(indices: &[u64], data: AttestationData, other_head: Root) -> AttesterSlashing {
    let indexed = |data: AttestationData| IndexedAttestation {
        attesting_indices: indices.to_vec().try_into().unwrap(),
        data,
        signature: BlsSignature::ZERO,
    };
    AttesterSlashing {
        attestation_1: indexed(data),
        attestation_2: indexed(AttestationData {
            beacon_block_root: other_head,
            ..data
        }),
    }
}

/// Validators that voted twice in one epoch lose their weight as soon as the slashing
/// is seen, and their later votes do not count.
#[test]
fn equivocating_validators_votes_are_removed() {
    let mut chain = Chain::new();
    let g = chain.genesis_root;
    let (a, block_a) = chain.block(g, 1, 1);
    let (b, block_b) = chain.block(g, 2, 2);
    let votes_b = chain.attestations(b, 2, &everyone);
    let votes_a = chain.attestations(a, 3, &|v| v % 2 == 1);
    let liars = chain.committee_members(b, 2);
    let honest_a = chain
        .committee_members(a, 3)
        .into_iter()
        .filter(|v| v % 2 == 1)
        .count() as u64;
    assert!(0 < honest_a && honest_a < liars.len() as u64);
    let slashing = double_vote(&liars, votes_b[0].data, a);
    let not_slashable = AttesterSlashing {
        attestation_1: slashing.attestation_1.clone(),
        attestation_2: slashing.attestation_1.clone(),
    };
    // In epoch 1 the liars vote for B again.
    let later: Vec<Attestation> = (8..16)
        .flat_map(|slot| chain.attestations(b, slot, &|v| liars.contains(&v)))
        .collect();
    assert!(!later.is_empty());

    let mut steps = vec![tick(1), block(&block_a), tick(2), block(&block_b), tick(4)];
    steps.extend(attestations(&votes_b));
    steps.extend(attestations(&votes_a));
    steps.push(checks(Checks {
        head: Some((2, b)),
        weights: vec![(b, 8 * BALANCE), (a, honest_a * BALANCE)],
        ..Default::default()
    }));
    steps.push(Step::AttesterSlashing {
        slashing: not_slashable,
        valid: false,
    });
    steps.push(Step::AttesterSlashing {
        slashing,
        valid: true,
    });
    steps.push(checks(Checks {
        head: Some((1, a)),
        weights: vec![(b, 0), (a, honest_a * BALANCE)],
        ..Default::default()
    }));
    steps.push(tick(16));
    steps.extend(attestations(&later)); // accepted, and ignored
    steps.push(checks(Checks {
        head: Some((1, a)),
        weights: vec![(b, 0), (a, honest_a * BALANCE)],
        ..Default::default()
    }));
    let mut runner = chain.runner();
    runner.run(&steps).unwrap();
    assert_eq!(runner.fork_choice().equivocating_indices(), liars);
}

/// A slashing carried in a block is fed to fork choice with the block.
#[test]
fn a_slashing_in_a_block_removes_the_equivocators_weight() {
    let mut chain = Chain::new();
    let g = chain.genesis_root;
    let (a, block_a) = chain.block(g, 1, 1);
    let (b, block_b) = chain.block(g, 2, 2);
    let votes_a = chain.attestations(a, 1, &|v| v % 2 == 0);
    let votes_b = chain.attestations(b, 2, &everyone);
    let liars = chain.committee_members(b, 2);
    let slashing = double_vote(&liars, votes_b[0].data, a);
    let (c, block_c) = chain.block_with(
        a,
        3,
        BlockContents {
            attester_slashings: vec![slashing],
            ..Default::default()
        },
    );
    assert!(chain.state(&c).validators[liars[0] as usize].slashed);

    let mut steps = vec![tick(1), block(&block_a), tick(2), block(&block_b), tick(3)];
    steps.extend(attestations(&votes_a));
    steps.extend(attestations(&votes_b));
    steps.push(head_is(2, b));
    steps.push(tick_at(3, 1_000)); // late: no boost, so only the weights decide
    steps.push(block(&block_c));
    steps.push(checks(Checks {
        head: Some((3, c)),
        weights: vec![(b, 0)],
        ..Default::default()
    }));
    chain.runner().run(&steps).unwrap();
}

/// A chain on which `participants` of the 64 validators vote in every slot, blocks in
/// every slot, from slot 1 to `last`.
fn voting_chain(participants: u64, last: Slot) -> (Chain, Vec<Root>, Vec<Step>) {
    let mut chain = Chain::new();
    let mut steps = Vec::new();
    let g = chain.genesis_root;
    let mut roots = vec![g];
    roots.extend(chain.extend(g, 1..=last, &|v| v < participants, &mut steps));
    (chain, roots, steps)
}

/// With 43 of 64 validators (just over 2/3) voting, each epoch from epoch 1 on is
/// justified; two consecutive justified epochs finalize. Fork choice sees justification
/// at the epoch boundary, before the next block realizes it, through the pull-up.
#[test]
fn justification_and_finality_after_two_epochs_of_two_thirds_votes() {
    let (chain, roots, mut steps) = voting_chain(43, 40);
    let at = |slot: usize| roots[slot];
    // Insert checks after the tick into each epoch and after its first block.
    let expect = |epoch: Epoch, justified: Checkpoint, finalized: Checkpoint| {
        checks(Checks {
            justified_checkpoint: Some(justified),
            finalized_checkpoint: Some(finalized),
            head: Some((epoch * 8 - 1, at(epoch as usize * 8 - 1))),
            ..Default::default()
        })
    };
    let genesis = checkpoint(0, chain.genesis_root);
    let mut expected = vec![
        // Epoch 1's votes are all in by slot 16: blocks of epoch 2 have pulled-up
        // justification of epoch 1, realized by the tick into epoch 3.
        (2, genesis, genesis),
        (3, checkpoint(1, at(8)), genesis),
        (4, checkpoint(2, at(16)), genesis),
        // Epochs 1, 2 and 3 justified in a row (each in the epoch after it): 1 is final.
        (5, checkpoint(3, at(24)), checkpoint(1, at(8))),
    ];
    // Steps are (tick, block) per slot: the tick into slot s is at index 2(s-1).
    for (epoch, justified, finalized) in expected.drain(..).rev() {
        let tick_index = 2 * (epoch as usize * 8 - 1);
        steps.insert(tick_index + 1, expect(epoch, justified, finalized));
    }
    let mut runner = chain.runner();
    runner.run(&steps).unwrap();
    // The realized state lags: slot 40's state has just justified epoch 3 itself.
    let head_state = runner.state(&at(40)).unwrap();
    assert_eq!(
        head_state.current_justified_checkpoint,
        checkpoint(3, at(24))
    );
    assert_eq!(head_state.finalized_checkpoint, checkpoint(1, at(8)));
    let fc = runner.fork_choice_mut();
    assert_eq!(fc.get_head().unwrap(), at(40));
    assert_eq!(fc.unrealized_justified_checkpoint(), checkpoint(4, at(32)));
    assert_eq!(fc.unrealized_finalized_checkpoint(), checkpoint(2, at(16)));
}

/// One validator short of 2/3: nothing is ever justified.
#[test]
fn forty_two_of_sixty_four_votes_justify_nothing() {
    let (chain, roots, mut steps) = voting_chain(42, 40);
    let genesis = checkpoint(0, chain.genesis_root);
    steps.push(checks(Checks {
        head: Some((40, roots[40])),
        justified_checkpoint: Some(genesis),
        finalized_checkpoint: Some(genesis),
        ..Default::default()
    }));
    let mut runner = chain.runner();
    runner.run(&steps).unwrap();
    assert_eq!(
        runner.fork_choice().unrealized_justified_checkpoint(),
        genesis
    );
}

/// After finality, a block whose chain leaves the finalized checkpoint, and a block
/// not after the finalized slot, are refused; pruning then drops the conflicting fork.
#[test]
fn a_fork_that_conflicts_with_finality_is_rejected() {
    let mut chain = Chain::new();
    let g = chain.genesis_root;
    let mut steps = Vec::new();
    // Everyone votes: epochs are justified within the epoch (6 of 8 slots of votes
    // make 2/3), so two consecutive justified epochs finalize quickly.
    let main: Vec<Root> = [vec![g], chain.extend(g, 1..=40, &everyone, &mut steps)].concat();
    // A fork from slot 1, imported in slot 3 while it is still harmless.
    let (fork, block_fork) = chain.block(main[1], 3, 7);
    let tick3 = steps.iter().position(|s| *s == tick(3)).unwrap();
    steps.insert(tick3 + 2, block(&block_fork));
    let finalized = checkpoint(3, main[24]);
    steps.push(checks(Checks {
        head: Some((40, main[40])),
        justified_checkpoint: Some(checkpoint(4, main[32])),
        finalized_checkpoint: Some(finalized),
        ..Default::default()
    }));
    let (on_fork, block_on_fork) = chain.block(fork, 41, 1);
    let (too_old, block_too_old) = chain.block(main[5], 6, 9);
    steps.push(tick(41));
    steps.push(invalid_block(&block_on_fork));
    steps.push(invalid_block(&block_too_old));
    steps.push(head_is(40, main[40]));

    let mut runner = chain.runner();
    runner.run(&steps).unwrap();
    assert!(matches!(
        runner.apply_block(&block_on_fork),
        Err(StepError::ForkChoice(
            ForkChoiceError::NotDescendantOfFinalized { .. }
        ))
    ));
    assert!(matches!(
        runner.apply_block(&block_too_old),
        Err(StepError::ForkChoice(
            ForkChoiceError::BlockNotAfterFinalized { .. }
        ))
    ));
    let fc = runner.fork_choice_mut();
    assert!(!fc.contains_block(&on_fork) && !fc.contains_block(&too_old));
    assert!(fc.contains_block(&fork));
    let dropped = fc.prune();
    assert!(dropped.contains(&fork) && dropped.contains(&g));
    assert_eq!(dropped.len(), 24 + 1, "genesis, slots 1-23 and the fork");
    assert_eq!(fc.nodes()[0].root, finalized.root);
    assert_eq!(fc.get_head().unwrap(), main[40]);
}

/// A block from an earlier epoch brings its pulled-up checkpoints with it at once (no
/// epoch boundary is left to realize them); a block of the current epoch waits for the
/// boundary.
#[test]
fn blocks_from_an_earlier_epoch_are_pulled_up_on_import() {
    let (chain, roots, timely) = voting_chain(43, 23);
    let genesis = checkpoint(0, chain.genesis_root);
    let epoch1 = checkpoint(1, roots[8]);
    let justified_is = |c: Checkpoint| {
        checks(Checks {
            justified_checkpoint: Some(c),
            ..Default::default()
        })
    };
    // Syncing at slot 24: every block is from an earlier epoch.
    let blocks: Vec<Step> = timely
        .iter()
        .filter(|s| matches!(s, Step::Block { .. }))
        .cloned()
        .collect();
    let mut late = vec![tick(24)];
    late.extend(blocks[..15].iter().cloned());
    late.push(justified_is(genesis));
    late.push(blocks[15].clone()); // slot 16: epoch 1's votes are all in
    late.push(justified_is(epoch1));
    late.extend(blocks[16..].iter().cloned());
    late.push(head_is(23, roots[23]));
    chain.runner().run(&late).unwrap();

    // In time, slot 16's pulled-up justification waits for the tick into epoch 3.
    let mut in_time = timely[..32].to_vec(); // ticks and blocks of slots 1-16
    in_time.push(justified_is(genesis));
    in_time.extend(timely[32..].iter().cloned());
    in_time.push(justified_is(genesis));
    in_time.push(tick(24));
    in_time.push(justified_is(epoch1));
    let mut runner = chain.runner();
    runner.run(&in_time).unwrap();
}
