//! The rules that keep the ticket market honest: draws cannot be steered by the block
//! that makes them, sell-backs cannot mint money, and malformed states are refused.

mod common;

use common::Harness;
use etn_state::accessors::*;
use etn_state::produce::BlockContents;
use etn_state::*;
use etn_types::ssz::hash_tree_root;
use etn_types::*;

fn pool_config(payment: PaymentRule, pricing: PricingRule) -> ChainConfig {
    let mut c = ChainConfig::minimal();
    c.ticket_lifetime = TicketLifetime::Pool.code();
    c.payment_rule = payment.code();
    c.pricing_rule = pricing.code();
    c.sell_back = true;
    c.target_tickets_per_slot = 10;
    c
}

#[test]
fn buying_then_selling_back_never_mints_money() {
    let mut h = Harness::new(
        pool_config(PaymentRule::AllPay, PricingRule::Eip1559),
        16,
        &[5_000, 5_000],
        false,
    );
    let buy = h.buy(0, 0, 1, 1_000, 1);
    h.step(vec![buy], 0);
    // The burst raised the price for the next slot (by at most 1/8).
    let price = h.state_at(2).ticket_price;
    assert!(price > 1 && price <= 2, "price {price}");
    let before = h.state.builders[0].balance;
    // The only holder is drawn in block 2 before its operations: one ticket fewer to sell.
    let held = h.state_at(2).builders[0].pool_tickets - 1;
    let sale = h.sell(0, 1, held, 2);
    let block = h.produce(
        2,
        BlockContents {
            ticket_sales: vec![sale],
            ..Default::default()
        },
    );
    h.apply(&block).unwrap();
    let refund = h.state.builders[0].balance - before;
    // Paid 1,000 for 1,000 tickets; whatever was drawn, no sale returns more than cost.
    assert!(refund <= held, "sold {held} tickets back for {refund}");
    assert_eq!(h.state.builders[0].pool_tickets, 0);
    assert!(accounting_sides(&h.state).holds());
}

#[test]
fn winner_pay_pool_refunds_exactly_the_escrow() {
    let mut h = Harness::new(
        pool_config(PaymentRule::WinnerPay, PricingRule::Fixed),
        16,
        &[100, 100],
        false,
    );
    h.step(vec![h.buy(0, 0, 1, 10, 1)], 0);
    // Block 2 first draws (and charges) one of builder 0's tickets, then sells the rest.
    let held = h.state_at(2).builders[0].pool_tickets - 1;
    let escrow = h.state_at(2).builders[0].pool_paid - 1;
    assert_eq!(escrow, held, "one Gwei per ticket still held");
    let sale = h.sell(0, 1, held, 2);
    let block = h.produce(
        2,
        BlockContents {
            ticket_sales: vec![sale],
            ..Default::default()
        },
    );
    h.apply(&block).unwrap();
    assert_eq!(h.state.builders[0].pool_paid, 0);
    assert_eq!(h.state.builders[0].balance, 100 - 10 + escrow);
    assert!(accounting_sides(&h.state).holds());
}

/// The assignment a block makes must not depend on that block's own ticket operations.
#[test]
fn a_block_cannot_steer_its_own_draw() {
    for lifetime in [TicketLifetime::Round, TicketLifetime::Pool] {
        let mut config = ChainConfig::minimal();
        config.ticket_lifetime = lifetime.code();
        let mut h = Harness::new(config, 16, &[1_000, 1_000, 1_000], false);
        let lookahead = h.state.config.ticket_lookahead;
        // Fill the market for a few slots so draws have something to pick from.
        for i in 0..6u64 {
            let slot = h.state.slot + 1;
            let target = if lifetime == TicketLifetime::Round {
                slot + lookahead + 1
            } else {
                slot
            };
            let ops = (0..3).map(|b| h.buy(b, i, target, 1 + b, slot)).collect();
            h.step(ops, 0);
        }
        let slot = h.state.slot + 1;
        let target = if lifetime == TicketLifetime::Round {
            slot + lookahead + 1
        } else {
            slot
        };
        let with_purchases = BlockContents {
            ticket_purchases: vec![h.buy(2, 6, target, 500, slot)],
            ..Default::default()
        };
        let plain = h.produce(slot, BlockContents::default());
        let steered = h.produce(slot, with_purchases);
        let mut a = h.state.clone();
        let mut b = h.state.clone();
        state_transition(
            &mut a,
            &plain,
            SignatureStrategy::Skip,
            &h.cache,
            StateRootCheck::Verify,
        )
        .unwrap();
        state_transition(
            &mut b,
            &steered,
            SignatureStrategy::Skip,
            &h.cache,
            StateRootCheck::Verify,
        )
        .unwrap();
        assert_eq!(
            get_builder_assignment(&a, slot + lookahead),
            get_builder_assignment(&b, slot + lookahead),
            "{lifetime}: the block's own purchase changed its draw"
        );
    }
}

#[test]
fn bidding_for_the_round_that_closes_in_the_block_is_refused() {
    let mut h = Harness::new(ChainConfig::minimal(), 16, &[1_000], false);
    let slot = h.state.slot + 1;
    let closing = slot + h.state.config.ticket_lookahead;
    let late = h.buy(0, 0, closing, 5, slot);
    let contents = BlockContents {
        ticket_purchases: vec![late],
        ..Default::default()
    };
    let err = etn_state::produce::produce_block(&h.state, slot, None, contents).unwrap_err();
    assert!(
        matches!(err, StateError::OutsideWindow { target, earliest, .. } if target == closing && earliest == closing + 1)
    );
    h.step(vec![], 0);
}

#[test]
fn slashed_validators_are_passed_over_as_proposers() {
    let h = Harness::new(ChainConfig::minimal(), 16, &[], false);
    let mut state = h.state_at(5);
    let proposer = get_beacon_proposer_index(&state).unwrap();
    state.validators[proposer as usize].slashed = true;
    let replacement = get_beacon_proposer_index(&state).unwrap();
    assert_ne!(replacement, proposer);
    assert!(!state.validators[replacement as usize].slashed);
    for v in state.validators.iter_mut() {
        v.slashed = true;
    }
    assert!(get_beacon_proposer_index(&state).is_err());
}

#[test]
fn genesis_refuses_underfunded_or_oversized_validator_sets() {
    let mut input = devnet_genesis_input(ChainConfig::minimal(), 0, 4, &[]);
    input.validators[2].1 = MAX_EFFECTIVE_BALANCE - 1;
    assert!(matches!(
        initialize_beacon_state(&input),
        Err(StateError::MalformedState(_))
    ));
    let mut config = ChainConfig::minimal();
    config.max_committees_per_slot = 1;
    config.slots_per_epoch = 2;
    let mut input = devnet_genesis_input(config, 0, 1, &[]);
    let key = input.validators[0];
    input.validators = vec![key; 2 * MAX_VALIDATORS_PER_COMMITTEE + 1];
    assert!(matches!(
        initialize_beacon_state(&input),
        Err(StateError::MalformedState(_))
    ));
    input.validators = vec![key; 2 * MAX_VALIDATORS_PER_COMMITTEE];
    assert!(
        initialize_beacon_state(&input).is_ok(),
        "exactly full committees fit"
    );
    // Few, large committees: the count per slot is what bounds their size.
    let mut config = ChainConfig::minimal();
    config.target_committee_size = 3000;
    config.slots_per_epoch = 2;
    let mut input = devnet_genesis_input(config, 0, 1, &[]);
    let key = input.validators[0];
    input.validators = vec![key; 8000];
    assert!(matches!(
        initialize_beacon_state(&input),
        Err(StateError::MalformedState(_))
    ));
}

#[test]
fn buying_and_selling_back_in_one_slot_does_not_move_the_price() {
    let mut h = Harness::new(
        pool_config(PaymentRule::AllPay, PricingRule::Eip1559),
        16,
        &[5_000],
        false,
    );
    h.step(vec![h.buy(0, 0, 1, 100, 1)], 0);
    let price = h.state_at(2).ticket_price;
    let buy = h.buy(0, 1, 2, 100, 2);
    let sell = h.sell(0, 2, 100, 2);
    let block = h.produce(
        2,
        BlockContents {
            ticket_purchases: vec![buy],
            ticket_sales: vec![sell],
            ..Default::default()
        },
    );
    h.apply(&block).unwrap();
    assert!(
        h.state_at(3).ticket_price <= price,
        "a round trip pushed the price from {price} to {}",
        h.state_at(3).ticket_price
    );
}

#[test]
fn malformed_states_are_refused_before_anything_runs() {
    let h = Harness::new(ChainConfig::minimal(), 16, &[100, 100], false);
    type Corruption = Box<dyn Fn(&mut BeaconState)>;
    let corruptions: Vec<Corruption> = vec![
        Box::new(|s| {
            s.ticket_rounds[10].slot = 10;
            s.ticket_rounds[10].bids = vec![
                TicketBid {
                    builder_index: 1,
                    tickets: 1,
                    paid: 1,
                },
                TicketBid {
                    builder_index: 0,
                    tickets: 1,
                    paid: 1,
                },
            ]
            .try_into()
            .unwrap();
        }),
        Box::new(|s| {
            s.ticket_rounds[10].slot = 11;
            s.ticket_rounds[10].bids = vec![TicketBid {
                builder_index: 0,
                tickets: 1,
                paid: 1,
            }]
            .try_into()
            .unwrap();
        }),
        Box::new(|s| {
            s.ticket_rounds[10].slot = 10;
            s.ticket_rounds[10].bids = vec![TicketBid {
                builder_index: 7,
                tickets: 1,
                paid: 1,
            }]
            .try_into()
            .unwrap();
        }),
        Box::new(|s| s.builder_assignments[3].builder_index = 9),
        Box::new(|s| s.validators[0].effective_balance = 1),
        Box::new(|s| {
            s.balances.pop();
        }),
        Box::new(|s| s.config.slots_per_epoch = 1),
        Box::new(|s| {
            s.current_justified_checkpoint.epoch = u64::MAX;
            s.previous_justified_checkpoint.epoch = u64::MAX;
        }),
    ];
    for (i, corrupt) in corruptions.iter().enumerate() {
        let mut state = h.state.clone();
        corrupt(&mut state);
        let before = hash_tree_root(&state).unwrap();
        let result = process_slots(&mut state, 40);
        if i == corruptions.len() - 1 {
            // Absurd checkpoint epochs are not a shape error; they must just not panic.
            let _ = result;
            continue;
        }
        assert!(result.is_err(), "corruption #{i} was accepted");
        assert_eq!(
            hash_tree_root(&state).unwrap(),
            before,
            "corruption #{i} changed the state"
        );
    }
}

#[test]
fn assigned_slots_are_counted_per_builder() {
    let mut h = Harness::new(ChainConfig::minimal(), 16, &[1_000, 1_000], false);
    let lookahead = h.state.config.ticket_lookahead;
    let mut assigned = 0u64;
    for i in 0..20u64 {
        let slot = h.state.slot + 1;
        let target = slot + lookahead + 1;
        h.step(vec![h.buy(i % 2, i / 2, target, 1, slot)], 0);
        if get_assigned_builder(&h.state, h.state.slot + lookahead).is_some() {
            assigned += 1;
        }
    }
    let won: u64 = h.state.builders.iter().map(|b| b.slots_won).sum();
    assert_eq!(won, assigned);
    assert!(won > 0);
}
