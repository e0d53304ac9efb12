//! The `BeaconState` with cached collections against the same state built from
//! ssz_rs's plain `List`/`Vector`: identical encodings, identical roots after any
//! sequence of writes, and roots that survive clones, decoding and dropped caches.

use etn_types::ssz::{decode, encode, hash_tree_root_mut};
use etn_types::*;
use proptest::prelude::*;
use ssz_rs::prelude::*;

#[path = "support/plain_state.rs"]
mod plain_state;
use plain_state::plain;

fn key(i: u64) -> Bytes48 {
    let mut bytes = [0u8; 48];
    bytes[..8].copy_from_slice(&i.to_le_bytes());
    Bytes48(bytes)
}

fn genesis_like(validators: u64, builders: u64) -> BeaconState {
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
        state.previous_epoch_participation.push(0).unwrap();
        state.current_epoch_participation.push(0).unwrap();
    }
    for i in 0..builders {
        state
            .builders
            .push(Builder {
                pubkey: key(1_000 + i),
                balance: 1_000 * i,
                ..Default::default()
            })
            .unwrap();
    }
    state
}

/// One write to the state, with an index and a value to use (indices are taken modulo
/// the collection's length).
#[derive(Debug, Clone)]
enum Write {
    BlockRoot(usize, u8),
    StateRoot(usize, u8),
    RandaoMix(usize, u8),
    Balance(usize, u64),
    Slash(usize),
    Participation(usize, u8),
    BuilderBalance(usize, u64),
    AddBuilder(u64),
    Bid(usize, u64),
    CloseRound(usize),
    Assignment(usize, u64),
    Revenue(usize, u64),
    RotateParticipation,
    Slot(u64),
    Accounting(u64),
    AllBalancesUp(u64),
    Root,
    Clone,
    Reload,
    DropCaches,
}

fn write() -> impl Strategy<Value = Write> {
    let index = any::<usize>();
    prop_oneof![
        (index, any::<u8>()).prop_map(|(i, b)| Write::BlockRoot(i, b)),
        (index, any::<u8>()).prop_map(|(i, b)| Write::StateRoot(i, b)),
        (index, any::<u8>()).prop_map(|(i, b)| Write::RandaoMix(i, b)),
        (index, 0..5u64).prop_map(|(i, v)| Write::Balance(i, v)),
        index.prop_map(Write::Slash),
        (index, 0..8u8).prop_map(|(i, f)| Write::Participation(i, f)),
        (index, 0..5u64).prop_map(|(i, v)| Write::BuilderBalance(i, v)),
        any::<u64>().prop_map(Write::AddBuilder),
        (index, 1..4u64).prop_map(|(i, v)| Write::Bid(i, v)),
        index.prop_map(Write::CloseRound),
        (index, 0..4u64).prop_map(|(i, v)| Write::Assignment(i, v)),
        (index, 0..4u64).prop_map(|(i, v)| Write::Revenue(i, v)),
        Just(Write::RotateParticipation),
        any::<u64>().prop_map(Write::Slot),
        any::<u64>().prop_map(Write::Accounting),
        (0..2u64).prop_map(Write::AllBalancesUp),
        Just(Write::Root),
        Just(Write::Root),
        Just(Write::Clone),
        Just(Write::Reload),
        Just(Write::DropCaches),
    ]
}

fn check(state: &mut BeaconState) {
    let mut reference = plain(state);
    let expected = reference.hash_tree_root().unwrap();
    assert_eq!(
        hash_tree_root_mut(state).unwrap().as_ref(),
        expected.as_ref()
    );
    assert_eq!(encode(state).unwrap(), encode(&reference).unwrap());
}

fn apply(state: &mut BeaconState, write: Write) {
    let at = |i: usize, len: usize| i % len.max(1);
    match write {
        Write::BlockRoot(i, b) => {
            state.block_roots[at(i, SLOTS_PER_HISTORICAL_ROOT)] = Bytes32([b; 32])
        }
        Write::StateRoot(i, b) => {
            state.state_roots[at(i, SLOTS_PER_HISTORICAL_ROOT)] = Bytes32([b; 32])
        }
        Write::RandaoMix(i, b) => {
            state.randao_mixes[at(i, EPOCHS_PER_HISTORICAL_VECTOR)] = Bytes32([b; 32])
        }
        Write::Balance(i, v) => {
            if !state.balances.is_empty() {
                let i = at(i, state.balances.len());
                state.balances[i] += v;
            }
        }
        Write::Slash(i) => {
            let i = at(i, state.validators.len());
            if let Some(validator) = state.validators.get_mut(i) {
                validator.slashed = true;
            }
        }
        Write::Participation(i, flags) => {
            if !state.current_epoch_participation.is_empty() {
                let i = at(i, state.current_epoch_participation.len());
                state.current_epoch_participation[i] |= flags;
            }
        }
        Write::BuilderBalance(i, v) => {
            if !state.builders.is_empty() {
                let i = at(i, state.builders.len());
                state.builders[i].balance = v;
            }
        }
        Write::AddBuilder(seed) => {
            let builder = Builder {
                pubkey: key(seed),
                balance: seed % 1_000,
                ..Default::default()
            };
            state.builders.push(builder).unwrap();
        }
        Write::Bid(i, tickets) => {
            let round = &mut state.ticket_rounds[at(i, TICKET_ROUND_SLOTS)];
            round.slot = i as u64 % 200;
            round.bids.push(TicketBid {
                builder_index: tickets,
                tickets,
                paid: tickets,
            });
        }
        Write::CloseRound(i) => {
            state.ticket_rounds[at(i, TICKET_ROUND_SLOTS)] = TicketRound::default()
        }
        Write::Assignment(i, v) => {
            let entry = &mut state.builder_assignments[at(i, ASSIGNMENT_HISTORY)];
            entry.builder_index = v;
            entry.payload_status = (v % 4) as u8;
        }
        Write::Revenue(i, v) => state.slot_revenue[at(i, SLOTS_PER_HISTORICAL_ROOT)] = v,
        Write::RotateParticipation => {
            let len = state.validators.len();
            state.previous_epoch_participation =
                std::mem::take(&mut state.current_epoch_participation);
            state.current_epoch_participation = vec![0u8; len].try_into().unwrap();
        }
        Write::Slot(slot) => state.slot = slot,
        Write::Accounting(v) => state.accounting.total_burned = v,
        Write::AllBalancesUp(v) => {
            for balance in state.balances.iter_mut() {
                *balance += v;
            }
        }
        Write::Root => check(state),
        Write::Clone => *state = state.clone(),
        Write::Reload => *state = decode(&encode(state).unwrap()).unwrap(),
        Write::DropCaches => state.drop_hash_caches(),
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    #[test]
    fn cached_state_roots_match_the_plain_state(
        validators in 0..20u64,
        builders in 0..40u64,
        writes in proptest::collection::vec(write(), 0..60),
    ) {
        let mut state = genesis_like(validators, builders);
        check(&mut state);
        for write in writes {
            apply(&mut state, write);
        }
        check(&mut state);
    }
}

#[test]
fn default_state_encodes_and_hashes_like_the_plain_state() {
    let mut state = BeaconState::default();
    check(&mut state);
    let decoded: BeaconState = decode(&encode(&state).unwrap()).unwrap();
    assert_eq!(decoded, state);
}

#[test]
fn json_is_unchanged_by_the_cached_collections() {
    let state = genesis_like(3, 2);
    let json = serde_json::to_value(&state).unwrap();
    assert_eq!(json, serde_json::to_value(plain(&state)).unwrap());
    assert_eq!(
        json["balances"],
        serde_json::json!(vec![32_000_000_000u64; 3])
    );
    assert_eq!(json["slot_revenue"].as_array().unwrap().len(), 64);
    let back: BeaconState = serde_json::from_value(json).unwrap();
    assert_eq!(back, state);
}
