//! Snapshots: a restored store is the same store, and bytes that are not a snapshot are
//! an error, never a panic.

mod common;

use common::*;
use etn_fork_choice::steps::{Step, StepRunner};
use etn_fork_choice::{ForkChoice, ForkChoiceError};
use etn_types::*;
use proptest::prelude::*;
use std::sync::OnceLock;

/// A store with everything a snapshot must carry: justification, a fork, gossip votes
/// not yet weighed, votes held until the next slot, an equivocator, a boosted block,
/// blocks still to come.
struct Busy {
    runner: StepRunner,
    next: Vec<SignedBeaconBlock>,
}

fn busy() -> Busy {
    let mut chain = Chain::new();
    let g = chain.genesis_root;
    let mut steps = Vec::new();
    let main: Vec<Root> = [vec![g], chain.extend(g, 1..=32, &everyone, &mut steps)].concat();
    let (fork, block_fork) = chain.block(main[30], 31, 5);
    let fork_votes = chain.attestations(fork, 32, &|v| v % 3 == 0);
    let liars = chain.committee_members(fork, 32);
    let mut slashing = AttesterSlashing {
        attestation_1: IndexedAttestation {
            attesting_indices: liars[..2].to_vec().try_into().unwrap(),
            data: fork_votes[0].data,
            signature: BlsSignature::ZERO,
        },
        ..Default::default()
    };
    slashing.attestation_2 = slashing.attestation_1.clone();
    slashing.attestation_2.data.beacon_block_root = main[32];
    let (n33, block33) = chain.block_with_votes(main[32], 33, &everyone);
    let (_, block34) = chain.block_with_votes(n33, 34, &everyone);
    let held = chain.attestations(n33, 33, &everyone);

    steps.push(block(&block_fork));
    steps.push(tick_at(33, 100));
    steps.extend(attestations(&fork_votes));
    steps.push(Step::AttesterSlashing {
        slashing,
        valid: true,
    });
    steps.push(head_is(32, main[32]));
    steps.push(block(&block33)); // boosted
    steps.extend(attestations(&held)); // held until slot 34
    let mut runner = chain.runner();
    runner.run(&steps).unwrap();
    Busy {
        runner,
        next: vec![block34],
    }
}

fn snapshot() -> &'static [u8] {
    static BYTES: OnceLock<Vec<u8>> = OnceLock::new();
    BYTES.get_or_init(|| busy().runner.fork_choice().to_bytes())
}

#[test]
fn a_restored_store_is_the_same_store() {
    let Busy { mut runner, next } = busy();
    let fc = runner.fork_choice();
    assert!(fc.proposer_boost_root().is_some());
    assert_eq!(fc.finalized_checkpoint().epoch, 2);
    assert_eq!(fc.equivocating_indices().len(), 2);
    let bytes = fc.to_bytes();
    let restored = ForkChoice::from_bytes(&bytes).unwrap();
    assert!(&restored == fc);
    assert!(restored.to_bytes() == bytes, "encoding is deterministic");

    // Both go on identically: the pending votes, the boost, the next block.
    let mut original = fc.clone();
    let mut restored = restored;
    assert_eq!(restored.get_head().unwrap(), original.get_head().unwrap());
    assert_eq!(restored.nodes(), original.nodes());
    runner.fork_choice_mut().on_tick(t(34));
    let next_root = runner.apply_block(&next[0]).unwrap();
    let post = runner.state(&next_root).unwrap();
    for fc in [&mut original, &mut restored] {
        fc.on_block(next_root, &next[0].message, post, t(34))
            .unwrap();
    }
    assert_eq!(restored.get_head().unwrap(), original.get_head().unwrap());
    assert!(restored.to_bytes() == original.to_bytes());
    assert_eq!(
        restored.block_weight(&next[0].message.parent_root),
        Some(8 * BALANCE + BOOST),
        "slot 33's held votes count from slot 34, with block 34's boost below"
    );

    // And after pruning.
    let dropped = original.prune();
    assert!(!dropped.is_empty());
    let restored = ForkChoice::from_bytes(&original.to_bytes()).unwrap();
    assert!(restored == original);
}

#[test]
fn the_snapshot_is_compact() {
    // 64 validators, 35 blocks: votes refer to a table of roots, balances are runs.
    assert!(
        snapshot().len() < 64 * 16 + 35 * 300,
        "{} bytes",
        snapshot().len()
    );
}

#[test]
fn garbage_is_an_error() {
    let bad = |bytes: &[u8]| {
        assert!(
            matches!(
                ForkChoice::from_bytes(bytes),
                Err(ForkChoiceError::InvalidSnapshot(_))
            ),
            "{bytes:?}"
        )
    };
    bad(&[]);
    bad(b"etnfc");
    bad(b"not a snapshot at all");
    let mut wrong_version = snapshot().to_vec();
    wrong_version[5] = 2;
    bad(&wrong_version);
    let mut trailing = snapshot().to_vec();
    trailing.push(0);
    bad(&trailing);
    for len in 0..snapshot().len() {
        bad(&snapshot()[..len]);
    }
}

/// Whatever decodes must also be safe to use.
fn exercise(bytes: &[u8]) {
    if let Ok(mut fc) = ForkChoice::from_bytes(bytes) {
        let _ = fc.get_head();
        let _ = fc.nodes();
        fc.on_tick(fc.time_ms().saturating_add(20_000));
        let _ = fc.get_head();
        let _ = fc.prune();
        let _ = fc.get_head();
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn arbitrary_bytes_never_panic(bytes in proptest::collection::vec(any::<u8>(), 0..4096)) {
        exercise(&bytes);
    }

    #[test]
    fn corrupted_snapshots_never_panic(
        edits in proptest::collection::vec((any::<prop::sample::Index>(), any::<u8>()), 1..8)
    ) {
        let mut bytes = snapshot().to_vec();
        for (at, value) in edits {
            let i = at.index(bytes.len());
            bytes[i] = value;
        }
        exercise(&bytes);
    }
}
