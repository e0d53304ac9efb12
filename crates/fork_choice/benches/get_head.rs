//! `get_head` after a batch of attestations: 16,384 validators, a 64-block tree.
//!
//! The tree is built from synthetic blocks whose post-states are the genesis state moved
//! to the block's slot: fork choice reads only the slot, the checkpoints, the slashed
//! flags and the participation of a post-state, so head finding does exactly the work it
//! does on a real chain. Shape: a 16-block trunk, then four 12-block branches. Every
//! validator votes in epoch 4 for a block spread over the branches; the measured batch
//! moves every one of the 16,384 votes (epoch 5) to another block, grouped into
//! aggregates by (slot, head) as they arrive from gossip, then finds the head.
//!
//! Run: `cargo bench -p etn-fork-choice --bench get_head -- --warm-up-time 1 --measurement-time 5`

use criterion::{BatchSize, Criterion, criterion_group, criterion_main};
use etn_fork_choice::ForkChoice;
use etn_state::{GenesisInput, initialize_beacon_state};
use etn_types::ssz::hash_tree_root;
use etn_types::*;
use std::collections::BTreeMap;
use std::hint::black_box;

const VALIDATORS: u64 = 16_384;
const TRUNK: u64 = 16;
const BRANCHES: u64 = 4;
const BRANCH_LENGTH: u64 = 12;
const SLOT_MS: u64 = 2_000;

fn genesis() -> BeaconState {
    let input = GenesisInput {
        genesis_time: 0,
        config: ChainConfig::minimal(),
        // Keys are never used: fork choice does not verify signatures.
        validators: (0..VALIDATORS)
            .map(|i| {
                let mut key = [0u8; 48];
                key[..8].copy_from_slice(&i.to_le_bytes());
                (Bytes48(key), MAX_EFFECTIVE_BALANCE)
            })
            .collect(),
        builders: Vec::new(),
        randao_seed: Bytes32::ZERO,
    };
    initialize_beacon_state(&input).expect("genesis")
}

struct Tree {
    fork_choice: ForkChoice,
    genesis: BeaconState,
    /// `branches[b][k]`: the k-th block of branch b, with its slot.
    branches: Vec<Vec<(Root, Slot)>>,
}

fn build_tree() -> Tree {
    let genesis = genesis();
    let mut fc = ForkChoice::from_genesis(&genesis, 0).expect("store");
    fc.on_tick((TRUNK + BRANCH_LENGTH + 1) * SLOT_MS);
    let add = |fc: &mut ForkChoice, parent: Root, slot: Slot, tag: u64| {
        let mut graffiti = [0u8; 32];
        graffiti[..8].copy_from_slice(&tag.to_le_bytes());
        let block = BeaconBlock {
            slot,
            parent_root: parent,
            body: BeaconBlockBody {
                graffiti: Bytes32(graffiti),
                ..Default::default()
            },
            ..Default::default()
        };
        let root = hash_tree_root(&block).expect("root");
        let mut post = genesis.clone();
        post.slot = slot;
        fc.on_block(root, &block, &post, fc.time_ms())
            .expect("block");
        root
    };
    let mut tip = fc.justified_checkpoint().root;
    for slot in 1..=TRUNK {
        tip = add(&mut fc, tip, slot, slot);
    }
    let branches = (0..BRANCHES)
        .map(|b| {
            let mut parent = tip;
            (0..BRANCH_LENGTH)
                .map(|k| {
                    let slot = TRUNK + 1 + k;
                    parent = add(&mut fc, parent, slot, 1_000 + b * 100 + k);
                    (parent, slot)
                })
                .collect()
        })
        .collect();
    assert_eq!(
        fc.nodes().len() as u64,
        1 + TRUNK + BRANCHES * BRANCH_LENGTH
    );
    Tree {
        fork_choice: fc,
        genesis,
        branches,
    }
}

/// Share of the votes per branch (in tenths), rotated by the batch so the head moves.
const BRANCH_OF_TENTH: [u64; 10] = [0, 0, 0, 0, 1, 1, 1, 2, 2, 3];

/// Every validator's vote for `epoch`, grouped by (slot, head) into aggregates: validator
/// v votes in slot `v % 8` of the epoch, for a branch chosen by `v % 10` (40/30/20/10%,
/// rotated by `shift`) at a depth chosen by `v / 10` (moved by `shift`).
fn batch(tree: &Tree, epoch: Epoch, shift: u64) -> Vec<(Vec<u64>, AttestationData)> {
    let start = epoch * 8;
    let mut groups: BTreeMap<(Slot, u64, u64), Vec<u64>> = BTreeMap::new();
    for v in 0..VALIDATORS {
        let branch = (BRANCH_OF_TENTH[(v % 10) as usize] + shift) % BRANCHES;
        let depth = (v / 10 + shift * 5) % BRANCH_LENGTH;
        groups
            .entry((start + v % 8, branch, depth))
            .or_default()
            .push(v);
    }
    groups
        .into_iter()
        .map(|((slot, branch, depth), indices)| {
            let (head, _) = tree.branches[branch as usize][depth as usize];
            let data = AttestationData {
                slot,
                index: 0,
                beacon_block_root: head,
                source: Checkpoint::default(),
                // Every block is before the epoch start: it is its own checkpoint block.
                target: Checkpoint { epoch, root: head },
            };
            (indices, data)
        })
        .collect()
}

fn apply(fc: &mut ForkChoice, votes: &[(Vec<u64>, AttestationData)]) {
    for (indices, data) in votes {
        fc.on_attestation(indices, data, false)
            .expect("attestation");
    }
}

fn bench(c: &mut Criterion) {
    let mut tree = build_tree();
    // Epoch 4's votes, applied and weighed: the state before the measured batch.
    tree.fork_choice.on_tick(40 * SLOT_MS);
    let first = batch(&tree, 4, 0);
    apply(&mut tree.fork_choice, &first);
    let head_before = tree.fork_choice.get_head().expect("head");
    tree.fork_choice.on_tick(48 * SLOT_MS);
    let second = batch(&tree, 5, 1);
    let base = tree.fork_choice.clone();
    {
        let mut check = base.clone();
        apply(&mut check, &second);
        let head_after = check.get_head().expect("head");
        assert_ne!(head_before, head_after, "the batch moves the head");
        eprintln!(
            "{} aggregates in the batch; snapshot {} bytes",
            second.len(),
            check.to_bytes().len()
        );
    }

    let mut group = c.benchmark_group("get_head");
    group.bench_function("after_batch_16384_validators_64_blocks", |b| {
        b.iter_batched(
            || {
                let mut fc = base.clone();
                apply(&mut fc, &second);
                fc
            },
            |mut fc| black_box(fc.get_head().expect("head")),
            BatchSize::LargeInput,
        )
    });
    group.bench_function("batch_and_head_16384_validators_64_blocks", |b| {
        b.iter_batched(
            || base.clone(),
            |mut fc| {
                apply(&mut fc, &second);
                black_box(fc.get_head().expect("head"))
            },
            BatchSize::LargeInput,
        )
    });
    group.bench_function("unchanged_16384_validators_64_blocks", |b| {
        let mut fc = base.clone();
        apply(&mut fc, &second);
        fc.get_head().expect("head");
        b.iter(|| black_box(fc.get_head().expect("head")))
    });
    group.finish();

    // Importing one more block: the pull-up's copy and epoch rule, the slashed-set scan.
    let mut post = tree.genesis.clone();
    post.slot = 48;
    let (tip, _) = tree.branches[0][BRANCH_LENGTH as usize - 1];
    let block = BeaconBlock {
        slot: 48,
        parent_root: tip,
        ..Default::default()
    };
    let root = hash_tree_root(&block).expect("root");
    c.bench_function("on_block/16384_validators", |b| {
        b.iter_batched(
            || base.clone(),
            |mut fc| {
                fc.on_block(root, &block, &post, 48 * SLOT_MS)
                    .expect("block");
                fc
            },
            BatchSize::LargeInput,
        )
    });
}

criterion_group!(benches, bench);
criterion_main!(benches);
