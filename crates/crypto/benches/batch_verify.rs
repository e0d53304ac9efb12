//! What batching buys at block import: 64 signatures by 64 keys over 64
//! distinct signing roots, checked one by one versus as one batch; plus the
//! single-verify and 64-key fast-aggregate-verify building blocks.

use std::hint::black_box;

use criterion::{Criterion, criterion_group, criterion_main};
use etn_crypto::{
    PublicKey, Signature, SignatureSet, aggregate_signatures, devnet_validator_secret_key,
    verify_signature_sets, verify_signature_sets_individually,
};

const N: u64 = 64;

fn root(i: u64) -> [u8; 32] {
    let mut r = [0u8; 32];
    r[..8].copy_from_slice(&i.to_le_bytes());
    r[31] = 0xee;
    r
}

fn bench(c: &mut Criterion) {
    let keys: Vec<_> = (0..N).map(devnet_validator_secret_key).collect();
    let pks: Vec<PublicKey> = keys.iter().map(|k| k.public_key()).collect();
    let sigs: Vec<Signature> = keys
        .iter()
        .enumerate()
        .map(|(i, k)| k.sign(&root(i as u64)))
        .collect();
    let sets: Vec<SignatureSet<'_>> = (0..N as usize)
        .map(|i| SignatureSet::single_pubkey(&sigs[i], &pks[i], root(i as u64)))
        .collect();
    assert!(verify_signature_sets(&sets).is_ok());

    let mut group = c.benchmark_group("verify_64_distinct");
    group.bench_function("individually", |b| {
        b.iter(|| verify_signature_sets_individually(black_box(&sets)))
    });
    group.bench_function("batch", |b| {
        b.iter(|| verify_signature_sets(black_box(&sets)))
    });
    group.finish();

    c.bench_function("single_verify", |b| {
        b.iter(|| black_box(&sigs[0]).verify(black_box(&pks[0]), black_box(&root(0))))
    });

    let shared = root(1_000);
    let shared_sigs: Vec<Signature> = keys.iter().map(|k| k.sign(&shared)).collect();
    let agg = aggregate_signatures(&shared_sigs.iter().collect::<Vec<_>>()).unwrap();
    let pk_refs: Vec<&PublicKey> = pks.iter().collect();
    assert!(agg.fast_aggregate_verify(&shared, &pk_refs));
    c.bench_function("fast_aggregate_verify_64", |b| {
        b.iter(|| black_box(&agg).fast_aggregate_verify(black_box(&shared), black_box(&pk_refs)))
    });
}

criterion_group!(benches, bench);
criterion_main!(benches);
