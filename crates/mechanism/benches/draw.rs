//! One weighted draw among 1,000,000 tickets held by 100,000 builders (target <= 5 us),
//! and the cost of building the index and of updating one holder.

use criterion::{Criterion, criterion_group, criterion_main};
use etn_mechanism::consensus::WeightIndex;
use rand::{Rng, SeedableRng, rngs::StdRng};
use std::hint::black_box;

fn holdings() -> Vec<u128> {
    // 1,000,000 tickets spread unevenly over 100,000 builders (1..19 each, mean 10).
    let mut rng = StdRng::seed_from_u64(7);
    let mut weights: Vec<u128> = (0..100_000).map(|_| rng.random_range(1..20)).collect();
    let total: u128 = weights.iter().sum();
    // Top up the first holders so the total is exactly 1,000,000.
    let mut missing = 1_000_000u128.saturating_sub(total);
    for w in weights.iter_mut() {
        if missing == 0 {
            break;
        }
        *w += 1;
        missing -= 1;
    }
    weights
}

fn bench(c: &mut Criterion) {
    let weights = holdings();
    let index = WeightIndex::new(weights.clone()).unwrap();
    assert_eq!(*index.total(), 1_000_000);
    let mut group = c.benchmark_group("draw_1m_tickets_100k_builders");
    let mut counter = 0u64;
    group.bench_function("sample", |b| {
        b.iter(|| {
            counter += 1;
            let mut seed = [0u8; 32];
            seed[..8].copy_from_slice(&counter.to_le_bytes());
            black_box(index.sample(black_box(&seed)))
        })
    });
    let mut index = index;
    let mut i = 0usize;
    group.bench_function("update_one_holder", |b| {
        b.iter(|| {
            i = (i + 7919) % 100_000;
            index.set(i, black_box((i % 19 + 1) as u128)).unwrap();
        })
    });
    group.sample_size(20);
    group.bench_function("build_index", |b| {
        b.iter(|| WeightIndex::new(black_box(weights.clone())).unwrap())
    });
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
