//! Store benchmarks: what a commit (with its fsync) and a read cost.
//!
//! * `commit/*`: `ChainStore::commit` of a prebuilt batch (encoding excluded, flush
//!   included): a block with 32 attestations and 128 ticket purchases plus the meta;
//!   the same plus a state of 64 validators and 16 builders.
//! * `encode/*`: building those batches (SSZ + snappy), the part of a write that happens
//!   before the commit.
//! * `sled_raw/*`: the same block batch applied to sled directly, with and without
//!   `flush`, to isolate what durability costs.
//! * `read/*`: a block and a state read back (get, decompress, decode).
//! * `restart/*`: with 10,000 blocks stored, opening the store (sled's recovery) and
//!   listing the block roots: what a node pays on restart before its own work.
//!
//! Run: `cargo bench -p etn-store --bench store -- --warm-up-time 1 --measurement-time 5`

#[path = "../tests/common/mod.rs"]
mod common;

use common::{block, meta, root, state};
use criterion::{BatchSize, Criterion, criterion_group, criterion_main};
use etn_store::{ChainStore, MemoryStore, SledStore, StoreBatch};
use std::cell::Cell;
use std::hint::black_box;

const ATTESTATIONS: usize = 32;
const PURCHASES: usize = 128;
const VALIDATORS: usize = 64;
const BUILDERS: usize = 16;

fn block_batch(n: u64, with_state: bool) -> StoreBatch {
    let mut batch = StoreBatch::new();
    batch
        .put_block(root(n, 0), &block(1, n, ATTESTATIONS, PURCHASES))
        .put_meta(&meta(n));
    if with_state {
        batch.put_state(root(n, 0), &state(2, n, VALIDATORS, BUILDERS));
    }
    batch
}

fn print_sizes() {
    let b = block(1, 1, ATTESTATIONS, PURCHASES);
    let s = state(2, 1, VALIDATORS, BUILDERS);
    let b_ssz = etn_types::ssz::encode(&b).unwrap().len();
    let s_ssz = etn_types::ssz::encode(&s).unwrap().len();
    let mut only_block = StoreBatch::new();
    only_block.put_block(root(1, 0), &b);
    let mut only_state = StoreBatch::new();
    only_state.put_state(root(1, 0), &s);
    eprintln!(
        "sizes: block SSZ {b_ssz} B -> stored {} B; state SSZ {s_ssz} B -> stored {} B (keys included)",
        only_block.encoded_len(),
        only_state.encoded_len()
    );
}

fn benches(c: &mut Criterion) {
    print_sizes();
    let dir = tempfile::tempdir().unwrap();
    let store = SledStore::open(dir.path().join("store")).unwrap();
    let memory = MemoryStore::new();
    let next = Cell::new(1_000_000u64);
    let fresh = || {
        next.set(next.get() + 1);
        next.get()
    };

    let mut group = c.benchmark_group("commit");
    group.bench_function("sled/block+meta", |b| {
        b.iter_batched(
            || block_batch(fresh(), false),
            |batch| store.commit(batch).unwrap(),
            BatchSize::SmallInput,
        )
    });
    group.bench_function("sled/block+state+meta", |b| {
        b.iter_batched(
            || block_batch(fresh(), true),
            |batch| store.commit(batch).unwrap(),
            BatchSize::SmallInput,
        )
    });
    group.bench_function("memory/block+state+meta", |b| {
        b.iter_batched(
            || block_batch(fresh(), true),
            |batch| memory.commit(batch).unwrap(),
            BatchSize::SmallInput,
        )
    });
    group.finish();

    let mut group = c.benchmark_group("encode");
    let the_block = block(1, 7, ATTESTATIONS, PURCHASES);
    let the_state = state(2, 7, VALIDATORS, BUILDERS);
    group.bench_function("block+meta", |b| {
        b.iter(|| {
            let mut batch = StoreBatch::new();
            batch.put_block(root(7, 0), &the_block).put_meta(&meta(7));
            black_box(batch)
        })
    });
    group.bench_function("state", |b| {
        b.iter(|| {
            let mut batch = StoreBatch::new();
            batch.put_state(root(7, 0), &the_state);
            black_box(batch)
        })
    });
    group.finish();

    // The same bytes straight into sled: apply_batch alone, then with flush.
    let raw_dir = tempfile::tempdir().unwrap();
    let raw = sled::open(raw_dir.path()).unwrap();
    let block_bytes = {
        let ssz = etn_types::ssz::encode(&the_block).unwrap();
        snap::raw::Encoder::new().compress_vec(&ssz).unwrap()
    };
    let meta_bytes = etn_types::ssz::encode(&meta(7)).unwrap();
    let raw_batch = |n: u64| {
        let mut batch = sled::Batch::default();
        batch.insert(
            [b"b".as_slice(), root(n, 0).as_ref()].concat(),
            block_bytes.clone(),
        );
        batch.insert(b"~meta".as_slice(), meta_bytes.clone());
        batch
    };
    let mut group = c.benchmark_group("sled_raw");
    group.bench_function("apply_batch/block+meta", |b| {
        b.iter_batched(
            || raw_batch(fresh()),
            |batch| raw.apply_batch(batch).unwrap(),
            BatchSize::SmallInput,
        )
    });
    group.bench_function("apply_batch+flush/block+meta", |b| {
        b.iter_batched(
            || raw_batch(fresh()),
            |batch| {
                raw.apply_batch(batch).unwrap();
                raw.flush().unwrap()
            },
            BatchSize::SmallInput,
        )
    });
    group.finish();

    // Reads, from a store holding the blocks and states the commit benches wrote.
    let mut batch = StoreBatch::new();
    batch
        .put_block(root(7, 0), &the_block)
        .put_state(root(7, 0), &the_state);
    store.commit(batch).unwrap();
    let mut group = c.benchmark_group("read");
    group.bench_function("sled/block", |b| {
        b.iter(|| black_box(store.block(&root(7, 0)).unwrap().unwrap()))
    });
    group.bench_function("sled/state", |b| {
        b.iter(|| black_box(store.state(&root(7, 0)).unwrap().unwrap()))
    });
    group.bench_function("sled/meta", |b| {
        b.iter(|| black_box(store.meta().unwrap().unwrap()))
    });
    group.finish();

    // Restart: a store holding 10,000 blocks (written 100 per batch to save time).
    let restart_dir = tempfile::tempdir().unwrap();
    let restart_path = restart_dir.path().join("store");
    {
        let big = SledStore::open(&restart_path).unwrap();
        for chunk in 0..100u64 {
            let mut batch = StoreBatch::new();
            for i in 0..100 {
                batch.put_block(root(chunk * 100 + i, 0), &the_block);
            }
            big.commit(batch).unwrap();
        }
    }
    let mut group = c.benchmark_group("restart");
    group.sample_size(10);
    group.bench_function("open/10k_blocks", |b| {
        b.iter(|| drop(black_box(SledStore::open(&restart_path).unwrap())))
    });
    let big = SledStore::open(&restart_path).unwrap();
    group.bench_function("block_roots/10k_blocks", |b| {
        b.iter(|| black_box(big.block_roots().unwrap()))
    });
    group.finish();

    eprintln!(
        "sled store after the benches: {} blocks, {} MB on disk",
        store.block_roots().unwrap().len(),
        store.size_on_disk().unwrap() / 1_000_000
    );
}

criterion_group!(store_benches, benches);
criterion_main!(store_benches);
