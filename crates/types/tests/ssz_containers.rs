//! Every container: round-trips through SSZ, and decoding arbitrary or corrupted bytes
//! returns a value or an error — never a panic.

use etn_types::ssz::{decode, encode, hash_tree_root};
use etn_types::*;
use proptest::prelude::*;
use ssz_rs::prelude::*;

fn bits(pattern: &[bool]) -> Bitlist<MAX_VALIDATORS_PER_COMMITTEE> {
    Bitlist::try_from(pattern).unwrap()
}

fn checkpoint(epoch: u64) -> Checkpoint {
    Checkpoint {
        epoch,
        root: Bytes32([epoch as u8; 32]),
    }
}

fn attestation_data() -> AttestationData {
    AttestationData {
        slot: 9,
        index: 1,
        beacon_block_root: Bytes32([3; 32]),
        source: checkpoint(1),
        target: checkpoint(2),
    }
}

fn attestation() -> Attestation {
    Attestation {
        aggregation_bits: bits(&[true, false, true, true, false]),
        data: attestation_data(),
        signature: Bytes96([5; 96]),
    }
}

fn indexed() -> IndexedAttestation {
    IndexedAttestation {
        attesting_indices: vec![1u64, 4, 7].try_into().unwrap(),
        data: attestation_data(),
        signature: Bytes96([6; 96]),
    }
}

fn slashing() -> AttesterSlashing {
    AttesterSlashing {
        attestation_1: indexed(),
        attestation_2: indexed(),
    }
}

fn buy() -> SignedBuyTickets {
    SignedBuyTickets {
        message: BuyTickets {
            builder_index: 2,
            nonce: 3,
            target_slot: 40,
            tickets: 17,
            max_price: 9,
            rounds: 1,
        },
        signature: Bytes96([7; 96]),
    }
}

fn sell() -> SignedSellTickets {
    SignedSellTickets {
        message: SellTickets {
            builder_index: 2,
            nonce: 4,
            tickets: 5,
            min_price: 1,
        },
        signature: Bytes96([8; 96]),
    }
}

fn payload() -> SignedExecutionPayload {
    let tx: Transaction = vec![1u8, 2, 3].try_into().unwrap();
    SignedExecutionPayload {
        message: ExecutionPayload {
            slot: 12,
            builder_index: 2,
            value: 1000,
            transactions: vec![tx.clone(), Transaction::default(), tx]
                .try_into()
                .unwrap(),
        },
        signature: Bytes96([9; 96]),
    }
}

fn body() -> BeaconBlockBody {
    BeaconBlockBody {
        randao_reveal: Bytes96([1; 96]),
        graffiti: Bytes32([2; 32]),
        attester_slashings: vec![slashing()].try_into().unwrap(),
        attestations: vec![attestation(), attestation()].try_into().unwrap(),
        ticket_purchases: vec![buy(), buy()].try_into().unwrap(),
        ticket_sales: vec![sell()].try_into().unwrap(),
        execution_payload: vec![payload()].try_into().unwrap(),
    }
}

fn block() -> SignedBeaconBlock {
    SignedBeaconBlock {
        message: BeaconBlock {
            slot: 12,
            proposer_index: 3,
            parent_root: Bytes32([4; 32]),
            state_root: Bytes32([5; 32]),
            body: body(),
        },
        signature: Bytes96([6; 96]),
    }
}

fn round() -> TicketRound {
    TicketRound {
        slot: 44,
        bids: vec![
            TicketBid {
                builder_index: 0,
                tickets: 3,
                paid: 3,
            },
            TicketBid {
                builder_index: 5,
                tickets: 1,
                paid: 1,
            },
        ]
        .try_into()
        .unwrap(),
    }
}

fn state() -> BeaconState {
    let mut state = BeaconState {
        slot: 17,
        config: ChainConfig::minimal(),
        ..Default::default()
    };
    state
        .validators
        .push(Validator {
            pubkey: Bytes48([1; 48]),
            effective_balance: 32,
            slashed: false,
        })
        .unwrap();
    state.balances.push(32).unwrap();
    state.previous_epoch_participation.push(1).unwrap();
    state.current_epoch_participation.push(7).unwrap();
    state
        .builders
        .push(Builder {
            pubkey: Bytes48([2; 48]),
            balance: 100,
            nonce: 1,
            pool_tickets: 0,
            pool_paid: 0,
            slots_won: 0,
        })
        .unwrap();
    state.ticket_rounds[44 % TICKET_ROUND_SLOTS] = round();
    state.justification_bits.set(1, true);
    state
}

/// Round trip plus stability of the root across the trip.
fn round_trip<T: SimpleSerialize + Clone + PartialEq + std::fmt::Debug>(value: &T) {
    let bytes = encode(value).unwrap();
    let back: T = decode(&bytes).unwrap();
    assert_eq!(&back, value);
    assert_eq!(
        hash_tree_root(&back).unwrap(),
        hash_tree_root(value).unwrap()
    );
}

/// Decoding must not panic; whatever decodes must re-encode to something that decodes
/// to the same value.
fn decode_is_total<T: SimpleSerialize + Clone + PartialEq + std::fmt::Debug>(bytes: &[u8]) {
    if let Ok(value) = decode::<T>(bytes) {
        let again = encode(&value).unwrap();
        assert_eq!(decode::<T>(&again).unwrap(), value);
        let _ = hash_tree_root(&value).unwrap();
    }
}

fn corrupt(mut bytes: Vec<u8>, edits: &[(usize, u8)], cut: usize, extra: &[u8]) -> Vec<u8> {
    let len = bytes.len().max(1);
    for (pos, byte) in edits {
        if !bytes.is_empty() {
            bytes[pos % len] = *byte;
        }
    }
    bytes.truncate(cut.min(bytes.len()));
    bytes.extend_from_slice(extra);
    bytes
}

macro_rules! container_tests {
    ($($name:ident: $ty:ty = $sample:expr;)+) => {
        mod round_trips {
            use super::*;
            $(#[test] fn $name() { round_trip::<$ty>(&$sample); })+
        }
        mod arbitrary_bytes {
            use super::*;
            proptest! {
                #![proptest_config(ProptestConfig::with_cases(256))]
                $(#[test] fn $name(bytes in proptest::collection::vec(any::<u8>(), 0..1024)) {
                    decode_is_total::<$ty>(&bytes);
                })+
            }
        }
        mod corrupted_encodings {
            use super::*;
            proptest! {
                #![proptest_config(ProptestConfig::with_cases(256))]
                $(#[test] fn $name(
                    edits in proptest::collection::vec((any::<usize>(), any::<u8>()), 0..6),
                    cut in any::<usize>(),
                    extra in proptest::collection::vec(any::<u8>(), 0..8),
                ) {
                    let bytes = encode(&$sample).unwrap();
                    let cut = if cut % 3 == 0 { cut % (bytes.len() + 1) } else { bytes.len() };
                    decode_is_total::<$ty>(&corrupt(bytes, &edits, cut, &extra));
                })+
            }
        }
    };
}

container_tests! {
    fork: Fork = Fork { previous_version: Bytes4([1, 0, 0, 0]), current_version: Bytes4([2, 0, 0, 0]), epoch: 3 };
    checkpoint_: Checkpoint = checkpoint(4);
    validator: Validator = Validator { pubkey: Bytes48([1; 48]), effective_balance: 5, slashed: true };
    header: BeaconBlockHeader = BeaconBlockHeader { slot: 1, proposer_index: 2, parent_root: Bytes32([1; 32]), state_root: Bytes32([2; 32]), body_root: Bytes32([3; 32]) };
    attestation_data_: AttestationData = attestation_data();
    attestation_: Attestation = attestation();
    indexed_attestation: IndexedAttestation = indexed();
    attester_slashing: AttesterSlashing = slashing();
    aggregate_and_proof: SignedAggregateAndProof = SignedAggregateAndProof { message: AggregateAndProof { aggregator_index: 3, aggregate: attestation(), selection_proof: Bytes96([2; 96]) }, signature: Bytes96([3; 96]) };
    builder: Builder = Builder { pubkey: Bytes48([3; 48]), balance: 9, nonce: 2, pool_tickets: 4, pool_paid: 5, slots_won: 3 };
    ticket_bid: TicketBid = TicketBid { builder_index: 1, tickets: 2, paid: 3 };
    ticket_round: TicketRound = round();
    assignment: BuilderAssignment = BuilderAssignment { slot: 3, builder_index: 1, revenue: 10, payload_status: 2, inflow: 4 };
    buy_tickets: SignedBuyTickets = buy();
    sell_tickets: SignedSellTickets = sell();
    accounting: TicketAccounting = TicketAccounting { genesis_supply: 1, total_burned: 2, ..Default::default() };
    execution_payload: SignedExecutionPayload = payload();
    block_body: BeaconBlockBody = body();
    signed_block: SignedBeaconBlock = block();
    chain_config: ChainConfig = ChainConfig::mainnet();
    beacon_state: BeaconState = state();
}

#[test]
fn hostile_block_offsets_are_rejected() {
    let mut bytes = encode(&block()).unwrap();
    // The first offset of a SignedBeaconBlock points at its message; aim it past the end.
    bytes[0..4].copy_from_slice(&u32::MAX.to_le_bytes());
    assert!(decode::<SignedBeaconBlock>(&bytes).is_err());
}
