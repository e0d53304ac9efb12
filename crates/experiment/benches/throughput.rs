//! Fast-mode throughput: slots per second of a whole experiment (bidding, block
//! production, import, the round's bookkeeping) with 16 builders that all bid in every
//! round and 64 validators attesting every slot, with and without BLS. With BLS it is
//! measured twice: with the workload's standing orders (a purchase bids in 8 rounds) and
//! with one signed purchase per builder per round, the costliest way to place the bids.
//!
//! Genesis (deriving 80 keys) is set up outside the measurement; the time of one
//! iteration is a run of `SLOTS` rounds, reported by criterion as elements (slots) per
//! second. Run: `cargo bench -p etn-experiment`.

use criterion::{BatchSize, Criterion, Throughput, criterion_group, criterion_main};
use etn_experiment::{Experiment, FastChain, run_on};
use std::path::PathBuf;

fn experiment(slots: u64) -> Experiment {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../../testnet/experiments/throughput-16.yaml");
    let e = Experiment::load(&path).unwrap().with_slots(slots).unwrap();
    assert_eq!(e.players.len(), 16);
    assert_eq!(e.validators, 64);
    e
}

fn bench(c: &mut Criterion) {
    let mut group = c.benchmark_group("fast_mode_16_builders_64_validators");
    group.sample_size(10);
    for (name, bls, rounds, order_rounds) in [
        ("without_bls", false, 1000, 8),
        ("with_bls", true, 200, 8),
        ("with_bls_one_purchase_per_round", true, 60, 1),
    ] {
        let mut e = experiment(rounds);
        e.order_rounds = order_rounds;
        let blocks = rounds + e.config.ticket_lookahead + 1;
        group.throughput(Throughput::Elements(blocks));
        group.bench_function(name, |b| {
            b.iter_batched(
                || {
                    let chain =
                        FastChain::new(e.config.clone(), e.validators, &e.builder_balances(), bls)
                            .unwrap();
                    (e.clone(), chain)
                },
                |(e, mut chain)| {
                    let outcome = run_on(e, &mut chain, false).unwrap();
                    assert!(outcome.results.identity_holds);
                    assert!(
                        outcome
                            .run
                            .rounds
                            .iter()
                            .all(|r| r.tickets.iter().all(|t| *t > 0))
                    );
                    outcome.run.blocks
                },
                BatchSize::PerIteration,
            )
        });
    }
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
