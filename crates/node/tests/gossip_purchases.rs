//! Gossip validation of ticket purchases: a purchase that could never be included (bad
//! `rounds`) is rejected before its signature is even checked; a valid standing order is
//! accepted and pooled.

use etn_crypto::devnet_builder_secret_key;
use etn_node::Chain;
use etn_node::chain::gossip::Verdict;
use etn_state::accessors::compute_epoch_at_slot;
use etn_state::signatures::signing_root;
use etn_state::{devnet_genesis_input, initialize_beacon_state};
use etn_store::MemoryStore;
use etn_types::*;

fn purchase(state: &BeaconState, rounds: u64) -> SignedBuyTickets {
    let message = BuyTickets {
        builder_index: 0,
        nonce: 0,
        target_slot: state.config.ticket_lookahead + 1,
        tickets: 5,
        max_price: u64::MAX,
        rounds,
    };
    let root = signing_root(
        state,
        &message,
        DOMAIN_BUY_TICKETS,
        compute_epoch_at_slot(state, state.slot),
    )
    .unwrap();
    SignedBuyTickets {
        signature: Bytes96(devnet_builder_secret_key(0).sign(&root).to_bytes()),
        message,
    }
}

#[test]
fn purchases_with_impossible_rounds_are_rejected() {
    let genesis = initialize_beacon_state(&devnet_genesis_input(
        ChainConfig::minimal(),
        0,
        16,
        &[1_000_000],
    ))
    .unwrap();
    let window = genesis.config.round_window;
    let mut chain = Chain::open(MemoryStore::new(), Some(genesis.clone()), 0).unwrap();
    for rounds in [0, window + 1, u64::MAX] {
        let verdict = chain.gossip_purchase(&purchase(&genesis, rounds), 0);
        assert!(
            matches!(verdict, Verdict::Reject(_)),
            "{rounds}: {verdict:?}"
        );
    }
    assert!(chain.op_pool().purchases().is_empty());
    let standing = purchase(&genesis, window);
    assert_eq!(chain.gossip_purchase(&standing, 0), Verdict::Accept);
    assert_eq!(chain.op_pool().purchases(), vec![standing]);
}
