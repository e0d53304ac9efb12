//! Benchmarks of the analysis half: the n-player proportional equilibrium at a million
//! players, and the alpha > 1 active-set search with global verification.

use criterion::{Criterion, criterion_group, criterion_main};
use etn_mechanism::analysis::{Game, Rule, proportional_bids, solve};
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use std::hint::black_box;

fn proportional_million(c: &mut Criterion) {
    let mut rng = StdRng::seed_from_u64(7);
    let values: Vec<f64> = (0..1_000_000)
        .map(|_| rng.random_range(0.001..100.0))
        .collect();
    let mut group = c.benchmark_group("analysis");
    group.sample_size(20);
    group.bench_function("proportional_bids_1e6", |b| {
        b.iter(|| proportional_bids(black_box(&values)))
    });
    // The full report (allocations, payments, metrics) for the same million players.
    let game = Game::new(values.clone(), Rule::Proportional, None).unwrap();
    group.bench_function("proportional_solve_1e6", |b| {
        b.iter(|| solve(black_box(&game)))
    });
    group.finish();
}

fn tullock_eight(c: &mut Criterion) {
    let mut rng = StdRng::seed_from_u64(11);
    let values: Vec<f64> = (0..8).map(|_| rng.random_range(1.0..10.0)).collect();
    let game = Game::new(values, Rule::Tullock { alpha: 1.2 }, None).unwrap();
    let mut group = c.benchmark_group("analysis");
    group.sample_size(20);
    group.bench_function("tullock_alpha_1.2_n8", |b| {
        b.iter(|| solve(black_box(&game)))
    });
    group.finish();
}

criterion_group!(benches, proportional_million, tullock_eight);
criterion_main!(benches);
