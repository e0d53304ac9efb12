//! End-to-end runs of the state transition: finality, the ticket market, determinism.

mod common;

use common::Harness;
use etn_state::accessors::get_assigned_builder;
use etn_types::*;

#[test]
fn signed_chain_finalizes_and_runs_the_ticket_market() {
    let mut h = Harness::new(ChainConfig::minimal(), 64, &[10_000, 10_000], true);
    let lookahead = h.state.config.ticket_lookahead;
    let mut nonces = [0u64; 2];
    for _ in 0..(5 * 8) {
        let slot = h.state.slot + 1;
        // Both builders bid for the round that just opened.
        let target = slot + lookahead + h.state.config.round_window - 1;
        let purchases = (0..2u64)
            .map(|b| {
                let op = h.buy(b, nonces[b as usize], target, 2 - b, slot);
                nonces[b as usize] += 1;
                op
            })
            .collect();
        h.step(purchases, 5);
        h.assert_identity();
    }
    assert!(
        h.state.finalized_checkpoint.epoch >= 3,
        "finalized {:?}",
        h.state.finalized_checkpoint
    );
    let acc = &h.state.accounting;
    assert!(acc.delivered_payloads > 0);
    assert_eq!(acc.missed_payloads, 0);
    assert!(acc.total_burned > 0);
    assert_eq!(acc.total_execution_inflow, 5 * acc.delivered_payloads);
    assert!(get_assigned_builder(&h.state, h.state.slot + 1).is_some());
}

#[test]
fn same_genesis_and_blocks_give_byte_identical_states() {
    use etn_state::*;
    use etn_types::ssz::{encode, hash_tree_root};
    // Record a chain with purchases, payloads and an epoch boundary or two.
    let mut h = Harness::new(ChainConfig::minimal(), 32, &[500, 500], false);
    let mut blocks = Vec::new();
    for i in 0..20u64 {
        let slot = h.state.slot + 1;
        let target = slot + h.state.config.ticket_lookahead + 1;
        let purchases = vec![h.buy(i % 2, i / 2, target, 1 + i % 3, slot)];
        blocks.push(h.step(purchases, 3));
    }
    let genesis = Harness::new(ChainConfig::minimal(), 32, &[500, 500], false).state;
    let replay = || {
        let mut state = genesis.clone();
        let cache = PubkeyCache::build(&state);
        let mut encodings = Vec::new();
        for block in &blocks {
            state_transition(
                &mut state,
                block,
                SignatureStrategy::Skip,
                &cache,
                StateRootCheck::Verify,
            )
            .unwrap();
            encodings.push(encode(&state).unwrap());
        }
        (encodings, hash_tree_root(&state).unwrap())
    };
    let (first, first_root) = replay();
    let (second, second_root) = replay();
    assert_eq!(first, second, "every intermediate state is byte-identical");
    assert_eq!(first_root, second_root);
    assert_eq!(
        first_root,
        h.root(),
        "and equal to the producer's own state"
    );
}
