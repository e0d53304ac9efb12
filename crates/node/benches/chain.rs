//! Chain benchmarks: importing a block end to end (state transition without BLS, fork
//! choice, the durable sled write), and restarting a node with 10,000 slots of history.

use criterion::{Criterion, criterion_group, criterion_main};
use etn_node::Chain;
use etn_state::SignatureStrategy;
use etn_state::harness::Harness;
use etn_store::SledStore;
use etn_types::*;
use std::time::{Duration, Instant};

const VALIDATORS: u64 = 64;

/// An unsigned chain of `slots` blocks with full attestation participation, so finality
/// advances and pruning runs as on a live chain.
fn fixture(slots: u64) -> (BeaconState, Vec<SignedBeaconBlock>) {
    let mut h = Harness::new(ChainConfig::minimal(), VALIDATORS, &[1_000_000; 4], false);
    let genesis = h.state.clone();
    let blocks = (0..slots).map(|_| h.step(vec![], 0)).collect();
    (genesis, blocks)
}

fn now_for(genesis: &BeaconState, slot: Slot) -> u64 {
    (genesis.genesis_time + slot * genesis.config.seconds_per_slot) * 1000 + 100
}

fn open(dir: &std::path::Path, genesis: &BeaconState) -> Chain<SledStore> {
    let store = SledStore::open(dir).unwrap();
    let mut chain = Chain::open(store, Some(genesis.clone()), now_for(genesis, 0)).unwrap();
    chain.set_signature_strategy(SignatureStrategy::Skip);
    chain
}

fn import_block(c: &mut Criterion) {
    let (genesis, blocks) = fixture(400);
    let mut group = c.benchmark_group("chain");
    group.sample_size(30);
    group.bench_function("import_block_without_bls_sled", |b| {
        b.iter_custom(|iters| {
            let mut total = Duration::ZERO;
            let mut done = 0u64;
            while done < iters {
                // A fresh datadir whenever the fixture runs out (setup is not timed).
                let dir = tempfile::tempdir().unwrap();
                let mut chain = open(dir.path(), &genesis);
                for block in blocks.iter().take((iters - done) as usize) {
                    let now = now_for(&genesis, block.message.slot);
                    let start = Instant::now();
                    let outcome = chain.import_block(block, now).unwrap();
                    total += start.elapsed();
                    assert!(outcome.imported);
                    done += 1;
                }
            }
            total
        })
    });
    group.finish();
}

fn restart(c: &mut Criterion) {
    let (genesis, blocks) = fixture(10_000);
    let dir = tempfile::tempdir().unwrap();
    {
        let mut chain = open(dir.path(), &genesis);
        for block in &blocks {
            chain
                .import_block(block, now_for(&genesis, block.message.slot))
                .unwrap();
        }
        assert!(chain.finalized().epoch > 1_200, "the history is finalized");
    }
    let now = now_for(&genesis, 10_000);
    let mut group = c.benchmark_group("chain");
    group.sample_size(20);
    group.bench_function("restart_with_10000_slots", |b| {
        b.iter(|| {
            let store = SledStore::open(dir.path()).unwrap();
            let chain = Chain::open(store, None, now).unwrap();
            assert_eq!(chain.head().slot, 10_000);
            chain
        })
    });
    group.finish();
}

criterion_group!(benches, import_block, restart);
criterion_main!(benches);
