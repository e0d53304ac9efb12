//! Every rejection path: feed the bad input, assert the typed error, and assert that the
//! state root did not move.

mod common;

use common::Harness;
use etn_state::accessors::*;
use etn_state::block::tickets::{process_buy_tickets, process_sell_tickets};
use etn_state::produce::*;
use etn_state::signatures::SignatureVerifier;
use etn_state::*;
use etn_types::ssz::hash_tree_root;
use etn_types::*;

const BALANCE: Gwei = 1_000;

fn harness() -> Harness {
    Harness::new(
        ChainConfig::minimal(),
        16,
        &[BALANCE, BALANCE, BALANCE],
        true,
    )
}

fn pool_harness(payment: PaymentRule, sell_back: bool) -> Harness {
    let mut config = ChainConfig::minimal();
    config.ticket_lifetime = TicketLifetime::Pool.code();
    config.payment_rule = payment.code();
    config.sell_back = sell_back;
    Harness::new(config, 16, &[BALANCE, BALANCE, BALANCE], true)
}

/// A valid block for the next slot, altered by `tamper`, then re-signed by its proposer
/// so that only the tampered rule can fail.
fn tampered_block(
    h: &Harness,
    contents: BlockContents,
    tamper: impl FnOnce(&mut BeaconBlock),
) -> SignedBeaconBlock {
    let slot = h.state.slot + 1;
    let mut block = h.produce(slot, contents).message;
    tamper(&mut block);
    let state = h.state_at(slot);
    sign_block(&state, block.clone(), h.validator_key(block.proposer_index)).unwrap()
}

/// The state a block at the next slot reaches just before its operations: slots
/// advanced, header, RANDAO, builder assignment and payload applied.
fn pre_operations_state(h: &Harness) -> BeaconState {
    produce_block(&h.state, h.state.slot + 1, None, BlockContents::default())
        .unwrap()
        .1
}

/// Applies `block`, expects `expected`, and checks that the state is unchanged.
#[track_caller]
fn assert_block_rejected(h: &mut Harness, block: &SignedBeaconBlock, expected: StateError) {
    let before = h.root();
    let err = h.apply(block).expect_err("block must be rejected");
    assert_eq!(err, expected);
    assert_eq!(
        h.root(),
        before,
        "a rejected block must not change the state"
    );
}

fn with_purchase(h: &Harness, op: SignedBuyTickets) -> BlockContents {
    let _ = h;
    BlockContents {
        ticket_purchases: vec![op],
        ..Default::default()
    }
}

fn open_target(h: &Harness) -> Slot {
    h.state.slot + 1 + h.state.config.ticket_lookahead + 1
}

/// A purchase signed with an arbitrary domain and fork version.
fn purchase_signed_with(
    h: &Harness,
    op: BuyTickets,
    domain_type: DomainType,
    fork_version: Version,
) -> SignedBuyTickets {
    let domain = etn_crypto::compute_domain(
        domain_type.0,
        fork_version.0,
        h.state.genesis_validators_root.0,
    );
    let root = etn_crypto::compute_signing_root(hash_tree_root(&op).unwrap().0, domain);
    let signature = Bytes96(h.builder_key(op.builder_index).sign(&root).to_bytes());
    SignedBuyTickets {
        message: op,
        signature,
    }
}

fn good_op(h: &Harness) -> BuyTickets {
    BuyTickets {
        builder_index: 0,
        nonce: 0,
        target_slot: open_target(h),
        tickets: 10,
        max_price: 1,
        rounds: 1,
    }
}

// ---- signatures ------------------------------------------------------------------------

#[test]
fn bad_proposer_signature() {
    let mut h = harness();
    let mut block = h.produce(1, BlockContents::default());
    block.signature = Bytes96(h.validator_key(0).sign(b"something else").to_bytes());
    assert_block_rejected(
        &mut h,
        &block,
        StateError::InvalidSignature(SignedObject::BlockProposal),
    );
}

#[test]
fn malformed_signature_bytes() {
    let mut h = harness();
    let mut block = h.produce(1, BlockContents::default());
    block.signature = Bytes96([0xff; 96]);
    assert_block_rejected(
        &mut h,
        &block,
        StateError::InvalidSignature(SignedObject::BlockProposal),
    );
}

#[test]
fn bad_randao_reveal() {
    let mut h = harness();
    let block = tampered_block(&h, BlockContents::default(), |b| {
        b.body.randao_reveal = Bytes96(h.validator_key(1).sign(b"not an epoch").to_bytes())
    });
    assert_block_rejected(&mut h, &block, StateError::InvalidRandaoReveal);
}

#[test]
fn purchase_with_bad_signature() {
    let mut h = harness();
    let mut op = h.buy(0, 0, open_target(&h), 10, 1);
    op.signature = Bytes96(h.builder_key(1).sign(b"x").to_bytes());
    let block = tampered_block(&h, BlockContents::default(), |b| {
        b.body.ticket_purchases = vec![op].try_into().unwrap()
    });
    assert_block_rejected(
        &mut h,
        &block,
        StateError::InvalidSignature(SignedObject::BuyTickets),
    );
}

#[test]
fn purchase_signed_for_the_wrong_domain() {
    let mut h = harness();
    let op = purchase_signed_with(
        &h,
        good_op(&h),
        DOMAIN_SELL_TICKETS,
        h.state.fork.current_version,
    );
    let block = tampered_block(&h, BlockContents::default(), |b| {
        b.body.ticket_purchases = vec![op].try_into().unwrap()
    });
    assert_block_rejected(
        &mut h,
        &block,
        StateError::InvalidSignature(SignedObject::BuyTickets),
    );
}

#[test]
fn purchase_signed_for_the_wrong_fork() {
    let mut h = harness();
    let op = purchase_signed_with(&h, good_op(&h), DOMAIN_BUY_TICKETS, Bytes4([9, 9, 9, 9]));
    let block = tampered_block(&h, BlockContents::default(), |b| {
        b.body.ticket_purchases = vec![op].try_into().unwrap()
    });
    assert_block_rejected(
        &mut h,
        &block,
        StateError::InvalidSignature(SignedObject::BuyTickets),
    );
    // The same purchase signed for the right domain and fork is accepted.
    let op = purchase_signed_with(
        &h,
        good_op(&h),
        DOMAIN_BUY_TICKETS,
        h.state.fork.current_version,
    );
    let block = h.produce(1, with_purchase(&h, op));
    h.apply(&block).unwrap();
}

#[test]
fn payload_with_bad_signature() {
    let mut h = harness();
    // Buy the round for slot lookahead+1 at slot 1, then reach it.
    let target = open_target(&h);
    let op = h.buy(0, 0, target, 10, 1);
    h.step(vec![op], 0);
    while h.state.slot + 1 < target {
        h.step(vec![], 0);
    }
    let mut payload = h.payload_for(target, 7).expect("builder assigned");
    payload.signature = Bytes96(h.builder_key(1).sign(b"x").to_bytes());
    let block = tampered_block(&h, BlockContents::default(), |b| {
        b.body.execution_payload = vec![payload].try_into().unwrap()
    });
    assert_block_rejected(
        &mut h,
        &block,
        StateError::InvalidSignature(SignedObject::ExecutionPayload),
    );
}

#[test]
fn attestation_with_bad_signature() {
    let mut h = harness();
    h.step(vec![], 0);
    let mut attestation = h.attestations_for_current_slot().remove(0);
    attestation.signature = Bytes96(h.validator_key(0).sign(b"x").to_bytes());
    let block = tampered_block(&h, BlockContents::default(), |b| {
        b.body.attestations = vec![attestation].try_into().unwrap()
    });
    assert_block_rejected(
        &mut h,
        &block,
        StateError::InvalidSignature(SignedObject::Attestation),
    );
}

// ---- purchases -------------------------------------------------------------------------

#[track_caller]
fn assert_purchase_rejected(h: &mut Harness, op: SignedBuyTickets, expected: StateError) {
    let block = tampered_block(h, BlockContents::default(), |b| {
        b.body.ticket_purchases = vec![op.clone()].try_into().unwrap()
    });
    assert_block_rejected(h, &block, expected.clone());
    // The operation on its own, against the state the block reaches before its
    // operations, is rejected the same way and leaves that state untouched.
    let mut state = pre_operations_state(h);
    let before = hash_tree_root(&state).unwrap();
    let mechanism = state.config.mechanism().unwrap();
    let mut verifier = SignatureVerifier::new(SignatureStrategy::Individual, &h.cache);
    let err = process_buy_tickets(&mut state, &op, &mechanism, &mut verifier).unwrap_err();
    assert_eq!(err, expected);
    assert_eq!(hash_tree_root(&state).unwrap(), before);
}

#[test]
fn unknown_builder() {
    let mut h = harness();
    let mut op = h.buy(0, 0, open_target(&h), 10, 1);
    op.message.builder_index = 99;
    assert_purchase_rejected(&mut h, op, StateError::UnknownBuilder(99));
}

#[test]
fn insufficient_balance() {
    let mut h = harness();
    let op = h.buy(0, 0, open_target(&h), BALANCE + 1, 1);
    assert_purchase_rejected(
        &mut h,
        op,
        StateError::InsufficientBalance {
            needed: BALANCE + 1,
            available: BALANCE,
        },
    );
}

#[test]
fn replayed_nonce() {
    let mut h = harness();
    let op = h.buy(0, 0, open_target(&h), 10, 1);
    h.step(vec![op.clone()], 0);
    assert_purchase_rejected(
        &mut h,
        op,
        StateError::BadNonce {
            expected: 1,
            got: 0,
        },
    );
}

#[test]
fn purchase_outside_its_window() {
    let mut h = harness();
    let config = h.state.config.clone();
    let earliest = 1 + config.ticket_lookahead + 1;
    let latest = earliest + config.round_window - 1;
    let too_late = h.buy(0, 0, earliest - 1, 10, 1);
    assert_purchase_rejected(
        &mut h,
        too_late,
        StateError::OutsideWindow {
            target: earliest - 1,
            earliest,
            latest,
        },
    );
    let too_early = h.buy(0, 0, latest + 1, 10, 1);
    assert_purchase_rejected(
        &mut h,
        too_early,
        StateError::OutsideWindow {
            target: latest + 1,
            earliest,
            latest,
        },
    );
}

#[test]
fn zero_and_overflowing_amounts() {
    let mut h = harness();
    let zero = h.buy(0, 0, open_target(&h), 0, 1);
    assert_purchase_rejected(&mut h, zero, StateError::ZeroTickets);
    // With a price of 2 Gwei, u64::MAX tickets cost more than a u64 holds.
    let mut config = ChainConfig::minimal();
    config.base_ticket_price = 2;
    let mut h = Harness::new(config, 16, &[BALANCE], true);
    let huge = h.buy(0, 0, open_target(&h), u64::MAX, 1);
    assert_purchase_rejected(&mut h, huge, StateError::AmountOverflow);
}

#[test]
fn price_above_buyers_limit() {
    let mut h = harness();
    let mut op = good_op(&h);
    op.max_price = 0;
    let op = purchase_signed_with(&h, op, DOMAIN_BUY_TICKETS, h.state.fork.current_version);
    assert_purchase_rejected(
        &mut h,
        op,
        StateError::PriceAboveLimit { price: 1, limit: 0 },
    );
}

#[test]
fn duplicate_purchase_in_a_block() {
    let mut h = harness();
    let op = h.buy(0, 0, open_target(&h), 10, 1);
    let block = tampered_block(&h, BlockContents::default(), |b| {
        b.body.ticket_purchases = vec![op.clone(), op.clone()].try_into().unwrap()
    });
    assert_block_rejected(
        &mut h,
        &block,
        StateError::DuplicateOperation(OperationKind::TicketPurchase),
    );
}

#[test]
fn duplicate_attestation_in_a_block() {
    let mut h = harness();
    h.step(vec![], 0);
    let a = h.attestations_for_current_slot().remove(0);
    let block = tampered_block(&h, BlockContents::default(), |b| {
        b.body.attestations = vec![a.clone(), a].try_into().unwrap()
    });
    assert_block_rejected(
        &mut h,
        &block,
        StateError::DuplicateOperation(OperationKind::Attestation),
    );
}

#[test]
fn round_full() {
    let mut config = ChainConfig::minimal();
    config.round_window = 63;
    let builders = vec![10; MAX_BIDS_PER_ROUND + 1];
    let mut h = Harness::new(config, 16, &builders, false);
    let target = h.state.slot + 1 + h.state.config.ticket_lookahead + 60;
    for chunk in (0..MAX_BIDS_PER_ROUND as u64)
        .collect::<Vec<_>>()
        .chunks(MAX_TICKET_PURCHASES)
    {
        let slot = h.state.slot + 1;
        let ops = chunk
            .iter()
            .map(|b| h.buy(*b, 0, target, 1, slot))
            .collect();
        h.step(ops, 0);
    }
    let last = MAX_BIDS_PER_ROUND as u64;
    let op = h.buy(last, 0, target, 1, h.state.slot + 1);
    let block = h.produce(h.state.slot + 1, BlockContents::default());
    let mut block = block;
    block.message.body.ticket_purchases = vec![op].try_into().unwrap();
    assert_block_rejected(&mut h, &block, StateError::RoundFull(target));
}

// ---- sell-back -----------------------------------------------------------------------

#[track_caller]
fn assert_sale_rejected(h: &mut Harness, op: SignedSellTickets, expected: StateError) {
    let block = tampered_block(h, BlockContents::default(), |b| {
        b.body.ticket_sales = vec![op.clone()].try_into().unwrap()
    });
    assert_block_rejected(h, &block, expected.clone());
    let mut state = pre_operations_state(h);
    let before = hash_tree_root(&state).unwrap();
    let mechanism = state.config.mechanism().unwrap();
    let mut verifier = SignatureVerifier::new(SignatureStrategy::Individual, &h.cache);
    assert_eq!(
        process_sell_tickets(&mut state, &op, &mechanism, &mut verifier).unwrap_err(),
        expected
    );
    assert_eq!(hash_tree_root(&state).unwrap(), before);
}

#[test]
fn sell_back_rejections() {
    let mut h = harness();
    let op = h.sell(0, 0, 1, 1);
    assert_sale_rejected(&mut h, op, StateError::SellBackDisabled);

    let mut h = pool_harness(PaymentRule::AllPay, true);
    let buy = h.buy(0, 0, 1, 5, 1);
    h.step(vec![buy], 0);
    // Block 2 draws one pooled ticket before its operations: count what is left then.
    let held = pre_operations_state(&h).builders[0].pool_tickets;
    let too_many = h.sell(0, 1, held + 1, 2);
    assert_sale_rejected(
        &mut h,
        too_many,
        StateError::NotEnoughTickets {
            requested: held + 1,
            held,
        },
    );
    let replay = h.sell(0, 0, 1, 2);
    assert_sale_rejected(
        &mut h,
        replay,
        StateError::BadNonce {
            expected: 1,
            got: 0,
        },
    );
    let zero = h.sell(0, 1, 0, 2);
    assert_sale_rejected(&mut h, zero, StateError::ZeroTickets);
    let unknown = {
        let mut op = h.sell(0, 1, 1, 2);
        op.message.builder_index = 42;
        op
    };
    assert_sale_rejected(&mut h, unknown, StateError::UnknownBuilder(42));
    let mut greedy = SellTickets {
        builder_index: 0,
        nonce: 1,
        tickets: 1,
        min_price: 5,
    };
    let signed = sign_sell_tickets(&h.state, greedy.clone(), 2, h.builder_key(0)).unwrap();
    assert_sale_rejected(
        &mut h,
        signed,
        StateError::PriceBelowLimit {
            payout: 1,
            tickets: 1,
            limit: 5,
        },
    );
    greedy.min_price = 1;
    let mut bad_sig = sign_sell_tickets(&h.state, greedy, 2, h.builder_key(1)).unwrap();
    bad_sig.message.min_price = 1;
    assert_sale_rejected(
        &mut h,
        bad_sig,
        StateError::InvalidSignature(SignedObject::SellTickets),
    );
}

// ---- payloads ------------------------------------------------------------------------

/// Runs the chain until the next block is for a slot assigned to builder 0.
fn harness_at_assigned_slot() -> (Harness, Slot) {
    let mut h = harness();
    let target = open_target(&h);
    let op = h.buy(0, 0, target, 10, 1);
    h.step(vec![op], 0);
    while h.state.slot + 1 < target {
        h.step(vec![], 0);
    }
    (h, target)
}

#[test]
fn payload_from_unassigned_builder() {
    let (mut h, slot) = harness_at_assigned_slot();
    let state = h.state_at(slot);
    let message = ExecutionPayload {
        slot,
        builder_index: 1,
        value: 1,
        transactions: Default::default(),
    };
    let payload = sign_execution_payload(&state, message, h.builder_key(1)).unwrap();
    let block = tampered_block(&h, BlockContents::default(), |b| {
        b.body.execution_payload = vec![payload].try_into().unwrap()
    });
    assert_block_rejected(
        &mut h,
        &block,
        StateError::PayloadFromUnassignedBuilder {
            assigned: 0,
            got: 1,
        },
    );
}

#[test]
fn payload_for_wrong_slot_or_above_inflow_limit() {
    let (mut h, slot) = harness_at_assigned_slot();
    let state = h.state_at(slot);
    let wrong_slot = ExecutionPayload {
        slot: slot + 1,
        builder_index: 0,
        value: 1,
        transactions: Default::default(),
    };
    let payload = sign_execution_payload(&state, wrong_slot, h.builder_key(0)).unwrap();
    let block = tampered_block(&h, BlockContents::default(), |b| {
        b.body.execution_payload = vec![payload].try_into().unwrap()
    });
    assert_block_rejected(
        &mut h,
        &block,
        StateError::PayloadWrongSlot {
            payload_slot: slot + 1,
            block_slot: slot,
        },
    );
    let max = h.state.config.max_execution_inflow_per_slot;
    let too_rich = h.payload_for(slot, max + 1).unwrap();
    let block = tampered_block(&h, BlockContents::default(), |b| {
        b.body.execution_payload = vec![too_rich].try_into().unwrap()
    });
    assert_block_rejected(
        &mut h,
        &block,
        StateError::InflowAboveLimit {
            value: max + 1,
            max,
        },
    );
}

#[test]
fn payload_without_assignment() {
    let mut h = harness();
    let state = h.state_at(1);
    let message = ExecutionPayload {
        slot: 1,
        builder_index: 0,
        value: 1,
        transactions: Default::default(),
    };
    let payload = sign_execution_payload(&state, message, h.builder_key(0)).unwrap();
    let block = tampered_block(&h, BlockContents::default(), |b| {
        b.body.execution_payload = vec![payload].try_into().unwrap()
    });
    assert_block_rejected(&mut h, &block, StateError::PayloadWithoutAssignment(1));
}

// ---- block header ------------------------------------------------------------------

#[test]
fn block_for_a_wrong_slot() {
    let mut h = harness();
    h.step(vec![], 0);
    // A second block for the slot that already has one.
    let state = h.state.clone();
    let mut block = h.produce(2, BlockContents::default()).message;
    block.slot = 1;
    let signer = block.proposer_index;
    let signed = sign_block(&state, block, h.validator_key(signer)).unwrap();
    assert_block_rejected(
        &mut h,
        &signed,
        StateError::BlockNotNewer {
            block_slot: 1,
            latest_slot: 1,
        },
    );
}

#[test]
fn block_with_wrong_parent() {
    let mut h = harness();
    let block = tampered_block(&h, BlockContents::default(), |b| {
        b.parent_root = Bytes32([7; 32])
    });
    let expected = hash_tree_root(&h.state_at(1).latest_block_header).unwrap();
    assert_block_rejected(
        &mut h,
        &block,
        StateError::WrongParent {
            expected,
            got: Bytes32([7; 32]),
        },
    );
}

#[test]
fn block_from_wrong_proposer() {
    let mut h = harness();
    let proposer = get_beacon_proposer_index(&h.state_at(1)).unwrap();
    let other = (proposer + 1) % 16;
    let block = tampered_block(&h, BlockContents::default(), |b| b.proposer_index = other);
    // Signed by the impostor: the header check names the rule broken.
    let block = sign_block(&h.state_at(1), block.message, h.validator_key(other)).unwrap();
    assert_block_rejected(
        &mut h,
        &block,
        StateError::WrongProposer {
            expected: proposer,
            got: other,
        },
    );
}

#[test]
fn block_with_wrong_state_root() {
    let mut h = harness();
    let good = h.produce(1, BlockContents::default());
    let block = tampered_block(&h, BlockContents::default(), |b| {
        b.state_root = Bytes32([1; 32])
    });
    assert_block_rejected(
        &mut h,
        &block,
        StateError::StateRootMismatch {
            expected: good.message.state_root,
            got: Bytes32([1; 32]),
        },
    );
}

#[test]
fn slots_only_move_forward() {
    let mut state = harness().state_at(3);
    let before = hash_tree_root(&state).unwrap();
    assert_eq!(
        process_slots(&mut state, 3),
        Err(StateError::SlotNotInFuture {
            state_slot: 3,
            target: 3
        })
    );
    assert_eq!(hash_tree_root(&state).unwrap(), before);
}

// ---- attestations ------------------------------------------------------------------

fn attestation_case(tamper: impl FnOnce(&mut Attestation, &Harness), expected: StateError) {
    let mut h = harness();
    h.step(vec![], 0);
    let mut a = h.attestations_for_current_slot().remove(0);
    tamper(&mut a, &h);
    let block = tampered_block(&h, BlockContents::default(), |b| {
        b.body.attestations = vec![a].try_into().unwrap()
    });
    assert_block_rejected(&mut h, &block, expected);
}

#[test]
fn attestation_rejections() {
    attestation_case(
        |a, _| a.data.target.epoch = 5,
        StateError::AttestationTargetEpoch { target: 5 },
    );
    attestation_case(
        |a, _| a.data.index = 9,
        StateError::CommitteeIndexOutOfRange { index: 9, count: 1 },
    );
    attestation_case(
        |a, _| a.data.source.epoch = 3,
        StateError::AttestationWrongSource,
    );
    attestation_case(
        |a, _| {
            let mut bits = a.aggregation_bits.clone();
            bits.push(true);
            a.aggregation_bits = bits;
        },
        StateError::AggregationBitsLength {
            expected: 2,
            got: 3,
        },
    );
    attestation_case(
        |a, _| {
            for i in 0..a.aggregation_bits.len() {
                a.aggregation_bits.set(i, false);
            }
        },
        StateError::EmptyAttestation,
    );
    // Included in the same slot it attests to: too early.
    let mut h = harness();
    h.step(vec![], 0);
    let mut a = h.attestations_for_current_slot().remove(0);
    a.data.slot = 2;
    let block = tampered_block(&h, BlockContents::default(), |b| {
        b.body.attestations = vec![a].try_into().unwrap()
    });
    assert_block_rejected(
        &mut h,
        &block,
        StateError::AttestationInclusionWindow {
            slot: 2,
            state_slot: 2,
        },
    );
}

// ---- attester slashings -----------------------------------------------------------

fn indexed(h: &Harness, data: AttestationData, indices: &[u64]) -> IndexedAttestation {
    let state = h.state_at(h.state.slot + 1);
    let root = etn_state::signatures::signing_root(
        &state,
        &data,
        DOMAIN_BEACON_ATTESTER,
        data.target.epoch,
    )
    .unwrap();
    let sigs: Vec<_> = indices
        .iter()
        .map(|i| h.validator_key(*i).sign(&root))
        .collect();
    let refs: Vec<_> = sigs.iter().collect();
    IndexedAttestation {
        attesting_indices: indices.to_vec().try_into().unwrap(),
        data,
        signature: Bytes96(etn_crypto::aggregate_signatures(&refs).unwrap().to_bytes()),
    }
}

#[test]
fn attester_slashing_rejections_and_success() {
    let mut h = harness();
    let data = AttestationData {
        slot: 0,
        index: 0,
        ..Default::default()
    };
    let other = AttestationData {
        beacon_block_root: Bytes32([1; 32]),
        ..data
    };
    let slashing = |a, b| AttesterSlashing {
        attestation_1: a,
        attestation_2: b,
    };

    let same = slashing(indexed(&h, data, &[1, 2]), indexed(&h, data, &[1, 2]));
    let block = tampered_block(&h, BlockContents::default(), |b| {
        b.body.attester_slashings = vec![same].try_into().unwrap()
    });
    assert_block_rejected(&mut h, &block, StateError::NotSlashable);

    let unsorted = slashing(indexed(&h, data, &[2, 1]), indexed(&h, other, &[1, 2]));
    let block = tampered_block(&h, BlockContents::default(), |b| {
        b.body.attester_slashings = vec![unsorted].try_into().unwrap()
    });
    assert_block_rejected(&mut h, &block, StateError::BadIndexedAttestation);

    let mut forged = slashing(indexed(&h, data, &[1, 2]), indexed(&h, other, &[1, 2]));
    forged.attestation_2.signature = forged.attestation_1.signature;
    let block = tampered_block(&h, BlockContents::default(), |b| {
        b.body.attester_slashings = vec![forged].try_into().unwrap()
    });
    assert_block_rejected(
        &mut h,
        &block,
        StateError::InvalidSignature(SignedObject::AttesterSlashing),
    );

    let disjoint = slashing(indexed(&h, data, &[1]), indexed(&h, other, &[2]));
    let block = tampered_block(&h, BlockContents::default(), |b| {
        b.body.attester_slashings = vec![disjoint].try_into().unwrap()
    });
    assert_block_rejected(&mut h, &block, StateError::NothingSlashed);

    let good = slashing(indexed(&h, data, &[1, 2]), indexed(&h, other, &[2, 3]));
    let block = h.produce(
        1,
        BlockContents {
            attester_slashings: vec![good],
            ..Default::default()
        },
    );
    h.apply(&block).unwrap();
    assert!(h.state.validators[2].slashed);
    assert!(!h.state.validators[1].slashed && !h.state.validators[3].slashed);
}

/// The proposer signature's set, as gossip validation would have verified it.
fn proposer_set<'a>(
    h: &Harness,
    block: &SignedBeaconBlock,
    key: &'a etn_crypto::PublicKey,
) -> etn_crypto::SignatureSet<'a> {
    let root = etn_state::signatures::signing_root(
        &h.state,
        &block.message,
        DOMAIN_BEACON_PROPOSER,
        compute_epoch_at_slot(&h.state, block.message.slot),
    )
    .unwrap();
    let signature = etn_crypto::Signature::from_bytes(block.signature.as_ref()).unwrap();
    etn_crypto::SignatureSet::new(
        std::borrow::Cow::Owned(signature),
        vec![std::borrow::Cow::Borrowed(key)],
        root,
    )
}

/// A signature set the caller recorded as verified is skipped at import (a wrong one
/// recorded by mistake passes, which shows the record is consulted); every signature not
/// recorded is still verified.
#[test]
fn recorded_signatures_are_trusted_and_no_others() {
    let h = harness();
    let pubkeys = PubkeyCache::build(&h.state);
    let mut block = h.produce(1, BlockContents::default());
    block.signature = Bytes96(h.validator_key(0).sign(b"something else").to_bytes());
    let mut state = h.state.clone();
    let bulk = state_transition(
        &mut state,
        &block,
        SignatureStrategy::Bulk,
        &pubkeys,
        StateRootCheck::Verify,
    );
    assert_eq!(
        bulk,
        Err(StateError::InvalidSignature(SignedObject::BlockProposal))
    );
    let proposer_key = pubkeys.validator(block.message.proposer_index).unwrap();
    let mut verified = VerifiedSignatures::default();
    verified.remember(1, &proposer_set(&h, &block, proposer_key));
    state_transition_trusting(
        &mut state,
        &block,
        SignatureStrategy::Bulk,
        &pubkeys,
        &verified,
        StateRootCheck::Verify,
    )
    .expect("the recorded proposer signature is trusted");

    let bad_reveal = tampered_block(&h, BlockContents::default(), |b| {
        b.body.randao_reveal = Bytes96(h.validator_key(1).sign(b"not an epoch").to_bytes())
    });
    let mut verified = VerifiedSignatures::default();
    assert!(verified.verify(1, &proposer_set(&h, &bad_reveal, proposer_key)));
    let mut state = h.state.clone();
    let err = state_transition_trusting(
        &mut state,
        &bad_reveal,
        SignatureStrategy::Bulk,
        &pubkeys,
        &verified,
        StateRootCheck::Verify,
    )
    .expect_err("other signatures are still checked");
    assert!(
        matches!(
            err,
            StateError::InvalidRandaoReveal | StateError::InvalidSignature(_)
        ),
        "{err:?}"
    );
    assert_eq!(state, h.state, "a rejected block must not change the state");
}

/// `verify` records only what holds, and pruning forgets records of earlier slots.
#[test]
fn verified_signatures_record_only_valid_sets_and_prune_by_slot() {
    let h = harness();
    let pubkeys = PubkeyCache::build(&h.state);
    let good = h.produce(1, BlockContents::default());
    let mut bad = good.clone();
    bad.signature = Bytes96(h.validator_key(0).sign(b"something else").to_bytes());
    let key = pubkeys.validator(good.message.proposer_index).unwrap();
    let (good_set, bad_set) = (proposer_set(&h, &good, key), proposer_set(&h, &bad, key));

    let mut verified = VerifiedSignatures::default();
    assert!(!verified.verify(1, &bad_set));
    assert!(!verified.contains(&bad_set) && verified.is_empty());
    assert!(verified.verify(1, &good_set));
    assert!(verified.contains(&good_set));
    verified.prune(1);
    assert!(
        verified.contains(&good_set),
        "slot 1 is kept when pruning before 1"
    );
    verified.prune(2);
    assert!(verified.is_empty());
}
