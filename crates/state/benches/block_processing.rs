//! Processing a block with 128 ticket purchases and the aggregated attestations of 512
//! validators, against verifying that block's signature sets alone. The target: the whole
//! block costs at most 1.3x its signature verification (the transition is BLS-bound).

#[path = "../tests/common/mod.rs"]
mod common;

use common::Harness;
use criterion::{Criterion, criterion_group, criterion_main};
use etn_crypto::verify_signature_sets;
use etn_state::block::process_block;
use etn_state::produce::BlockContents;
use etn_state::signatures::SignatureVerifier;
use etn_state::*;
use etn_types::*;
use std::hint::black_box;

const VALIDATORS: u64 = 512;
const BUILDERS: usize = 128;

/// A signed chain up to slot 16 without attestations on chain, the attestations of slots
/// 9..=16 (every validator once), and a block for slot 17 carrying them plus 128
/// purchases.
fn setup() -> (Harness, SignedBeaconBlock) {
    let mut h = Harness::new(
        ChainConfig::minimal(),
        VALIDATORS,
        &vec![1_000_000; BUILDERS],
        true,
    );
    let mut attestations = Vec::new();
    for slot in 1..=16u64 {
        let block = h.produce(slot, BlockContents::default());
        h.apply(&block).unwrap();
        if slot >= 9 {
            attestations.extend(h.attestations_for_current_slot());
        }
    }
    let slot = 17;
    let target = slot + h.state.config.ticket_lookahead + 1;
    let purchases = (0..BUILDERS as u64)
        .map(|b| h.buy(b, 0, target, 1 + b % 5, slot))
        .collect();
    let contents = BlockContents {
        attestations,
        ticket_purchases: purchases,
        ..Default::default()
    };
    let block = h.produce(slot, contents);
    assert_eq!(block.message.body.attestations.len(), 32);
    (h, block)
}

fn bench(c: &mut Criterion) {
    let (h, block) = setup();
    let advanced = h.state_at(block.message.slot);
    let mut group = c.benchmark_group("block_128_purchases_512_attesters");
    group.sample_size(20);

    // The signature sets of the block body, built once.
    let mut probe = advanced.clone();
    let mut collector = SignatureVerifier::new(SignatureStrategy::Bulk, &h.cache);
    process_block(&mut probe, &block.message, &mut collector).unwrap();
    assert_eq!(collector.queued().len(), 1 + 32 + BUILDERS);
    group.bench_function("verify_signature_sets_only", |b| {
        b.iter(|| verify_signature_sets(black_box(collector.queued())).unwrap())
    });
    group.bench_function("process_block_bulk_verify", |b| {
        b.iter_batched(
            || advanced.clone(),
            |mut state| {
                let mut verifier = SignatureVerifier::new(SignatureStrategy::Bulk, &h.cache);
                process_block(&mut state, black_box(&block.message), &mut verifier).unwrap();
                verifier.finish().unwrap();
                state
            },
            criterion::BatchSize::LargeInput,
        )
    });
    group.bench_function("state_transition_bulk_verify", |b| {
        b.iter_batched(
            || h.state.clone(),
            |mut state| {
                state_transition(
                    &mut state,
                    black_box(&block),
                    SignatureStrategy::Bulk,
                    &h.cache,
                    StateRootCheck::Verify,
                )
                .unwrap();
                state
            },
            criterion::BatchSize::LargeInput,
        )
    });
    group.bench_function("process_block_without_bls", |b| {
        b.iter_batched(
            || advanced.clone(),
            |mut state| {
                let mut verifier = SignatureVerifier::new(SignatureStrategy::Skip, &h.cache);
                process_block(&mut state, black_box(&block.message), &mut verifier).unwrap();
                state
            },
            criterion::BatchSize::LargeInput,
        )
    });
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
