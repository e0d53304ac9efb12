//! What the cached collections buy on `hash_tree_root(state)`:
//!
//! - `large/*`: 64 validators and 100,000 builders. `cached_128_builders` changes 128
//!   builders' balances and takes the root (the cost per block at scale);
//!   `cold_rebuild` takes the root of the same state with its caches dropped (first root
//!   after decoding); `ssz_rs_plain` is the same state as plain ssz_rs collections (the
//!   cost of every root before the caches); `clone_with_caches` is not a root but the
//!   copy `state_transition` makes of the state, which now carries the trees too.
//! - `small/*`: 16 validators and 4 builders (the devnet shape). `cached_slot` applies the
//!   writes of a typical slot (history roots, header, RANDAO mix, revenue, an assignment,
//!   a round closed and a bid, two builder balances, a committee's participation,
//!   accounting) and takes the root; `cached_unchanged` is a root with nothing changed.
//!
//! Run with `cargo bench -p etn-types --bench state_root -- --warm-up-time 1
//! --measurement-time 5`.

use std::hint::black_box;

use criterion::{BatchSize, Criterion, criterion_group, criterion_main};
use etn_types::ssz::hash_tree_root_mut;
use etn_types::*;
use ssz_rs::prelude::*;

#[path = "../tests/support/plain_state.rs"]
mod plain_state;
use plain_state::plain;

fn key(i: u64) -> Bytes48 {
    let mut bytes = [0u8; 48];
    bytes[..8].copy_from_slice(&i.to_le_bytes());
    bytes[47] = 0xb1;
    Bytes48(bytes)
}

fn state(validators: u64, builders: u64) -> BeaconState {
    let mut state = BeaconState {
        config: ChainConfig::minimal(),
        ..Default::default()
    };
    for i in 0..validators {
        state
            .validators
            .push(Validator {
                pubkey: key(i),
                effective_balance: MAX_EFFECTIVE_BALANCE,
                slashed: false,
            })
            .unwrap();
        state.balances.push(MAX_EFFECTIVE_BALANCE).unwrap();
        state.previous_epoch_participation.push(7).unwrap();
        state.current_epoch_participation.push(0).unwrap();
    }
    for i in 0..builders {
        state
            .builders
            .push(Builder {
                pubkey: key((1 << 32) | i),
                balance: 1_000_000 + i,
                nonce: i % 7,
                ..Default::default()
            })
            .unwrap();
    }
    for (i, mix) in state.randao_mixes.iter_mut().enumerate() {
        *mix = Bytes32([i as u8; 32]);
    }
    state
}

fn root32(slot: u64, salt: u8) -> Bytes32 {
    let mut bytes = [salt; 32];
    bytes[..8].copy_from_slice(&slot.to_le_bytes());
    Bytes32(bytes)
}

/// The writes `process_slots` + `process_block` make to a small state in one slot.
fn typical_slot(state: &mut BeaconState) {
    let slot = state.slot;
    let history = (slot % SLOTS_PER_HISTORICAL_ROOT as u64) as usize;
    state.state_roots[history] = root32(slot, 1);
    state.block_roots[history] = root32(slot, 2);
    state.slot = slot + 1;
    state.latest_block_header = BeaconBlockHeader {
        slot: slot + 1,
        proposer_index: slot % 16,
        parent_root: root32(slot, 2),
        state_root: Root::ZERO,
        body_root: root32(slot, 3),
    };
    let epoch = ((slot + 1) / 8 % EPOCHS_PER_HISTORICAL_VECTOR as u64) as usize;
    state.randao_mixes[epoch] = root32(slot, 4);
    state.ticket_price = 1 + slot % 3;
    let next = ((slot + 1) % SLOTS_PER_HISTORICAL_ROOT as u64) as usize;
    state.slot_revenue[next] = 0;
    let target = slot + 3;
    state.builder_assignments[(target % ASSIGNMENT_HISTORY as u64) as usize] = BuilderAssignment {
        slot: target,
        builder_index: target % 4,
        revenue: 5,
        payload_status: payload_status::PENDING,
        inflow: 0,
    };
    state.ticket_rounds[(target % TICKET_ROUND_SLOTS as u64) as usize] = TicketRound::default();
    let open = &mut state.ticket_rounds[((slot + 6) % TICKET_ROUND_SLOTS as u64) as usize];
    open.slot = slot + 6;
    if open.bids.len() < MAX_BIDS_PER_ROUND {
        open.bids.push(TicketBid {
            builder_index: slot % 4,
            tickets: 2,
            paid: 2,
        });
    }
    state.builders[(slot % 4) as usize].balance -= 2;
    state.builders[((slot + 1) % 4) as usize].balance += 1;
    state.slot_revenue[next] += 2;
    for v in 0..4 {
        state.current_epoch_participation[((slot * 4 + v) % 16) as usize] |= 7;
    }
    state.accounting.tickets_sold += 2;
    state.accounting.total_burned += 2;
}

fn large(c: &mut Criterion) {
    const BUILDERS: u64 = 100_000;
    let mut warm = state(64, BUILDERS);
    hash_tree_root_mut(&mut warm).unwrap();

    let mut group = c.benchmark_group("large");
    let mut round = 0u64;
    group.bench_function("cached_128_builders", |b| {
        b.iter(|| {
            for k in 0..128u64 {
                let index = ((round * 128 + k) * 7_919 % BUILDERS) as usize;
                warm.builders[index].balance += 1;
            }
            round += 1;
            hash_tree_root_mut(black_box(&mut warm)).unwrap()
        })
    });
    group.sample_size(10);
    group.bench_function("cold_rebuild", |b| {
        b.iter_batched(
            || {
                let mut cold = warm.clone();
                cold.drop_hash_caches();
                cold
            },
            |mut cold| hash_tree_root_mut(black_box(&mut cold)).unwrap(),
            BatchSize::LargeInput,
        )
    });
    let mut reference = plain(&warm);
    group.bench_function("ssz_rs_plain", |b| {
        b.iter(|| black_box(&mut reference).hash_tree_root().unwrap())
    });
    // Not a root: what `state_transition`'s copy of the state costs at this size, now
    // that the copy carries the Merkle trees too.
    group.bench_function("clone_with_caches", |b| b.iter(|| black_box(&warm).clone()));
    group.finish();
}

fn small(c: &mut Criterion) {
    let mut warm = state(16, 4);
    hash_tree_root_mut(&mut warm).unwrap();

    let mut group = c.benchmark_group("small");
    group.bench_function("cached_slot", |b| {
        b.iter(|| {
            typical_slot(&mut warm);
            hash_tree_root_mut(black_box(&mut warm)).unwrap()
        })
    });
    group.bench_function("cached_unchanged", |b| {
        b.iter(|| hash_tree_root_mut(black_box(&mut warm)).unwrap())
    });
    group.bench_function("cold_rebuild", |b| {
        b.iter_batched(
            || {
                let mut cold = warm.clone();
                cold.drop_hash_caches();
                cold
            },
            |mut cold| hash_tree_root_mut(black_box(&mut cold)).unwrap(),
            BatchSize::SmallInput,
        )
    });
    let mut reference = plain(&warm);
    group.bench_function("ssz_rs_plain", |b| {
        b.iter(|| black_box(&mut reference).hash_tree_root().unwrap())
    });
    group.finish();
}

/// The cached roots the benches time must be the roots ssz_rs computes.
fn check_roots_agree() {
    let mut small = state(16, 4);
    hash_tree_root_mut(&mut small).unwrap();
    for _ in 0..20 {
        typical_slot(&mut small);
        let cached = hash_tree_root_mut(&mut small).unwrap();
        let reference = plain(&small).hash_tree_root().unwrap();
        assert_eq!(cached.as_ref(), reference.as_ref());
    }
}

fn benches(c: &mut Criterion) {
    check_roots_agree();
    small(c);
    large(c);
}

criterion_group!(state_root, benches);
criterion_main!(state_root);
