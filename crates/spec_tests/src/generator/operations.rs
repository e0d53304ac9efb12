//! `operations/<handler>`: one operation on a pre-state, accepted (with its post-state)
//! or rejected (with the error). Every rejection path of the operation is covered; the
//! boundary of each check is covered from both sides where it has one.

use super::Ctx;
use super::fixtures::{Fixture, default_config, pool_chain, pool_config, round_chain};
use crate::chain::Chain;
use crate::files::CaseWriter;
use crate::meta::{BLS_IGNORED, BLS_REQUIRED, Meta};
use crate::run::operations_input_name;
use anyhow::{Result, anyhow};
use etn_state::accessors::{CommitteeCache, get_beacon_proposer_index, get_current_epoch};
use etn_state::block::{attestations, header, payload, randao, slashings, tickets};
use etn_state::produce::randao_reveal;
use etn_state::signatures::{SignatureVerifier, signing_root};
use etn_state::validity::check_state_shape;
use etn_state::{PubkeyCache, SignatureStrategy, StateError};
use etn_types::*;
use ssz_rs::prelude::Bitlist;

/// The input of an operations case.
#[derive(Clone)]
pub enum Input {
    Buy(SignedBuyTickets),
    Sell(SignedSellTickets),
    Attestation(Attestation),
    Slashing(AttesterSlashing),
    /// `execution_payload` and `randao` read a block body.
    Body(BeaconBlockBody),
    Block(BeaconBlock),
}

impl Input {
    fn write(&self, w: &CaseWriter, name: &str) -> Result<()> {
        match self {
            Input::Buy(x) => w.ssz(name, x),
            Input::Sell(x) => w.ssz(name, x),
            Input::Attestation(x) => w.ssz(name, x),
            Input::Slashing(x) => w.ssz(name, x),
            Input::Body(x) => w.ssz(name, x),
            Input::Block(x) => w.ssz(name, x),
        }
    }

    fn apply(
        &self,
        handler: &str,
        state: &mut BeaconState,
        mechanism: &Mechanism,
        verifier: &mut SignatureVerifier<'_>,
    ) -> Result<(), StateError> {
        match (handler, self) {
            ("buy_tickets", Input::Buy(op)) => {
                tickets::process_buy_tickets(state, op, mechanism, verifier)
            }
            ("sell_tickets", Input::Sell(op)) => {
                tickets::process_sell_tickets(state, op, mechanism, verifier)
            }
            ("attestation", Input::Attestation(op)) => attestations::process_attestation(
                state,
                op,
                &mut CommitteeCache::default(),
                verifier,
            ),
            ("attester_slashing", Input::Slashing(op)) => {
                slashings::process_attester_slashing(state, op, verifier)
            }
            ("execution_payload", Input::Body(body)) => {
                payload::process_execution_payload(state, body, verifier)
            }
            ("randao", Input::Body(body)) => randao::process_randao(state, body, verifier),
            ("block_header", Input::Block(block)) => header::process_block_header(state, block),
            _ => Err(StateError::MalformedState(
                "generator: input does not fit the handler",
            )),
        }
    }
}

/// Runs the operation through the implementation and writes the case.
#[allow(clippy::too_many_arguments)]
fn op(
    ctx: &mut Ctx,
    handler: &str,
    case: &str,
    description: &str,
    bls: u8,
    pre: &BeaconState,
    input: Input,
    expect: Option<&str>,
) -> Result<()> {
    let mechanism = check_state_shape(pre)
        .map_err(|e| anyhow!("operations/{handler}/{case}: pre-state shape: {e}"))?;
    let cache = if bls == BLS_REQUIRED {
        PubkeyCache::build(pre)
    } else {
        PubkeyCache::default()
    };
    let strategy = if bls == BLS_REQUIRED {
        SignatureStrategy::Individual
    } else {
        SignatureStrategy::Skip
    };
    let mut state = pre.clone();
    let mut verifier = SignatureVerifier::new(strategy, &cache);
    let result = input
        .apply(handler, &mut state, &mechanism, &mut verifier)
        .and_then(|()| verifier.finish());
    ctx.state_case(
        "operations",
        handler,
        case,
        Meta::new(description, bls),
        pre,
        |w| input.write(w, operations_input_name(handler)),
        (result, state),
        expect,
    )
}

pub fn generate(ctx: &mut Ctx) -> Result<()> {
    buy_tickets(ctx)?;
    sell_tickets(ctx)?;
    attestation(ctx)?;
    attester_slashing(ctx)?;
    execution_payload(ctx)?;
    block_header(ctx)?;
    randao_cases(ctx)?;
    Ok(())
}

fn buy_msg(builder: u64, nonce: u64, target: Slot, tickets: u64) -> BuyTickets {
    BuyTickets {
        builder_index: builder,
        nonce,
        target_slot: target,
        tickets,
        max_price: u64::MAX,
        rounds: 1,
    }
}

fn unsigned_buy(message: BuyTickets) -> Input {
    Input::Buy(SignedBuyTickets {
        message,
        signature: BlsSignature::ZERO,
    })
}

fn unsigned_sell(builder: u64, nonce: u64, tickets: u64, min_price: u64) -> Input {
    Input::Sell(SignedSellTickets {
        message: SellTickets {
            builder_index: builder,
            nonce,
            tickets,
            min_price,
        },
        signature: BlsSignature::ZERO,
    })
}

fn round_index(slot: Slot) -> usize {
    (slot % TICKET_ROUND_SLOTS as u64) as usize
}

fn buy_tickets(ctx: &mut Ctx) -> Result<()> {
    const H: &str = "buy_tickets";
    let ign = BLS_IGNORED;
    // Round lifetime, at slot 5 (before its block): window [10, 17]; round 10 holds bids
    // of builders 2 and 3, round 12 one of builder 0. Nonces: 0 -> 2, 1 -> 1, 2 -> 1, 3 -> 1.
    let round = round_chain(default_config(), false, 4)?;
    let pre = round.chain.state_at(5)?;
    let nonce = |b: usize| pre.builders[b].nonce;
    let ok = |ctx: &mut Ctx, case: &str, d: &str, pre: &BeaconState, m: BuyTickets| {
        op(ctx, H, case, d, ign, pre, unsigned_buy(m), None)
    };
    let bad = |ctx: &mut Ctx, case: &str, d: &str, pre: &BeaconState, m: BuyTickets, e: &str| {
        op(ctx, H, case, d, ign, pre, unsigned_buy(m), Some(e))
    };
    ok(
        ctx,
        "round_new_bid_first_position",
        "a builder without a bid opens one ahead of the round's existing bids (lower index), at the earliest target",
        &pre,
        buy_msg(1, nonce(1), 10, 6),
    )?;
    ok(
        ctx,
        "round_add_to_own_bid",
        "a builder adds tickets to its existing bid",
        &pre,
        buy_msg(2, nonce(2), 10, 3),
    )?;
    ok(
        ctx,
        "round_new_bid_last_position",
        "a bid appended after the existing bids (higher index)",
        &pre,
        buy_msg(3, nonce(3), 12, 2),
    )?;
    ok(
        ctx,
        "round_latest_target",
        "a bid for the last open round (slot + lookahead + round_window)",
        &pre,
        buy_msg(0, nonce(0), 17, 9),
    )?;
    let mut m = buy_msg(1, nonce(1), 11, 4);
    m.max_price = 1;
    ok(
        ctx,
        "round_max_price_equals_price",
        "max_price equal to the price is accepted",
        &pre,
        m.clone(),
    )?;
    m.max_price = 0;
    bad(
        ctx,
        "price_above_limit",
        "the price (1) is above max_price (0)",
        &pre,
        m,
        "PriceAboveLimit",
    )?;
    {
        let mut p = pre.clone();
        p.builders[1].balance = 30;
        ok(
            ctx,
            "balance_exactly_cost",
            "a purchase that spends the whole balance",
            &p,
            buy_msg(1, nonce(1), 11, 30),
        )?;
        bad(
            ctx,
            "insufficient_balance",
            "the cost exceeds the balance by one",
            &p,
            buy_msg(1, nonce(1), 11, 31),
            "InsufficientBalance",
        )?;
    }
    {
        let mut p = pre.clone();
        p.accounting.tickets_sold = u64::MAX - 2;
        p.accounting.tickets_sold_in_slot = u64::MAX - 1;
        ok(
            ctx,
            "ticket_counters_saturate",
            "the statistics counters saturate at 2**64 - 1 instead of failing",
            &p,
            buy_msg(1, nonce(1), 11, 5),
        )?;
    }
    {
        let mut p = pre.clone();
        p.ticket_price = 7;
        ok(
            ctx,
            "round_price_above_one",
            "a purchase at price 7 pays 7 per ticket into the bid's escrow",
            &p,
            buy_msg(2, nonce(2), 10, 3),
        )?;
        bad(
            ctx,
            "cost_overflows",
            "tickets * price exceeds 2**64 - 1",
            &p,
            buy_msg(2, nonce(2), 10, u64::MAX / 7 + 1),
            "AmountOverflow",
        )?;
    }
    bad(
        ctx,
        "cost_at_max_but_unaffordable",
        "tickets * price = 2**64 - 1 does not overflow; the balance is too small",
        &pre,
        buy_msg(2, nonce(2), 10, u64::MAX),
        "InsufficientBalance",
    )?;
    bad(
        ctx,
        "unknown_builder",
        "builder index equal to the registry length",
        &pre,
        buy_msg(4, 0, 10, 1),
        "UnknownBuilder",
    )?;
    bad(
        ctx,
        "unknown_builder_max_index",
        "builder index 2**64 - 1",
        &pre,
        buy_msg(u64::MAX, 0, 10, 1),
        "UnknownBuilder",
    )?;
    bad(
        ctx,
        "nonce_replayed",
        "a nonce already used",
        &pre,
        buy_msg(0, nonce(0) - 1, 10, 1),
        "BadNonce",
    )?;
    bad(
        ctx,
        "nonce_ahead",
        "a nonce one ahead of the builder's",
        &pre,
        buy_msg(0, nonce(0) + 1, 10, 1),
        "BadNonce",
    )?;
    {
        let mut p = pre.clone();
        p.builders[1].nonce = u64::MAX;
        bad(
            ctx,
            "nonce_exhausted",
            "the builder's nonce is 2**64 - 1: the next nonce overflows",
            &p,
            buy_msg(1, u64::MAX, 10, 1),
            "Overflow",
        )?;
    }
    bad(
        ctx,
        "zero_tickets",
        "a purchase of no tickets",
        &pre,
        buy_msg(1, nonce(1), 10, 0),
        "ZeroTickets",
    )?;
    bad(
        ctx,
        "round_target_closing_round",
        "the round for slot + lookahead closed before the block's operations",
        &pre,
        buy_msg(1, nonce(1), 9, 1),
        "OutsideWindow",
    )?;
    bad(
        ctx,
        "round_target_past",
        "a target slot in the past",
        &pre,
        buy_msg(1, nonce(1), 4, 1),
        "OutsideWindow",
    )?;
    bad(
        ctx,
        "round_target_beyond_window",
        "one slot past the last open round",
        &pre,
        buy_msg(1, nonce(1), 18, 1),
        "OutsideWindow",
    )?;
    bad(
        ctx,
        "round_zero_tickets_before_window",
        "zero tickets and a bad target: ZeroTickets is checked first",
        &pre,
        buy_msg(1, nonce(1), 99, 0),
        "ZeroTickets",
    )?;
    bad(
        ctx,
        "bad_nonce_before_unaffordable",
        "bad nonce and unaffordable: BadNonce is checked first",
        &pre,
        buy_msg(1, nonce(1) + 5, 10, u64::MAX),
        "BadNonce",
    )?;
    {
        let mut p = pre.clone();
        let i = round_index(10);
        p.ticket_rounds[i].slot = 10 + TICKET_ROUND_SLOTS as u64;
        bad(
            ctx,
            "round_entry_holds_another_slot",
            "the ring entry of the target holds bids for the slot 64 later (a state no chain reaches)",
            &p,
            buy_msg(1, nonce(1), 10, 1),
            "MalformedState",
        )?;
    }
    {
        let mut p = pre.clone();
        let i = round_index(10);
        p.ticket_rounds[i].bids[0].tickets = u64::MAX - 1;
        bad(
            ctx,
            "bid_tickets_overflow",
            "the builder's bid would exceed 2**64 - 1 tickets",
            &p,
            buy_msg(2, nonce(2), 10, 2),
            "AmountOverflow",
        )?;
        ok(
            ctx,
            "bid_tickets_reach_max",
            "the builder's bid reaches exactly 2**64 - 1 tickets",
            &p,
            buy_msg(2, nonce(2), 10, 1),
        )?;
    }
    {
        let mut p = pre.clone();
        let i = round_index(10);
        p.ticket_rounds[i].bids[0].paid = u64::MAX - 1;
        bad(
            ctx,
            "bid_paid_overflow",
            "the bid's escrow would exceed 2**64 - 1 Gwei",
            &p,
            buy_msg(2, nonce(2), 10, 2),
            "AmountOverflow",
        )?;
    }
    // A full round: 1024 bids from builders 0..1023 of a registry of 1025.
    {
        let mut p = pre.clone();
        let mut template = p.builders[3].clone();
        template.nonce = 0;
        while p.builders.len() < MAX_BIDS_PER_ROUND + 1 {
            p.builders
                .push(template.clone())
                .map_err(|_| anyhow!("registry full"))?;
        }
        let bids: Vec<TicketBid> = (0..MAX_BIDS_PER_ROUND as u64)
            .map(|b| TicketBid {
                builder_index: b,
                tickets: 1,
                paid: 1,
            })
            .collect();
        p.ticket_rounds[round_index(15)] = TicketRound {
            slot: 15,
            bids: bids.try_into().map_err(|_| anyhow!("bids"))?,
        };
        bad(
            ctx,
            "round_full",
            "a new bidder in a round that already holds 1024 bids",
            &p,
            buy_msg(1024, 0, 15, 1),
            "RoundFull",
        )?;
        ok(
            ctx,
            "round_full_existing_bidder",
            "a bidder already in a full round may add to its bid",
            &p,
            buy_msg(1, nonce(1), 15, 1),
        )?;
    }

    // Standing orders: one purchase bidding in several consecutive rounds.
    let rounds = |m: BuyTickets, rounds: u64| BuyTickets { rounds, ..m };
    ok(
        ctx,
        "rounds_whole_window",
        "one purchase bids 2 tickets in each of the 8 open rounds [10, 17]: it joins builder 2's bid in round 10 and opens bids in the seven others",
        &pre,
        rounds(buy_msg(2, nonce(2), 10, 2), 8),
    )?;
    ok(
        ctx,
        "rounds_into_existing_and_new_bids",
        "three rounds from 11: builder 0 opens bids in 11 and 13 and adds to its bid in 12",
        &pre,
        rounds(buy_msg(0, nonce(0), 11, 4), 3),
    )?;
    bad(
        ctx,
        "rounds_zero",
        "a purchase that bids in no round",
        &pre,
        rounds(buy_msg(1, nonce(1), 10, 1), 0),
        "InvalidRounds",
    )?;
    bad(
        ctx,
        "rounds_past_window",
        "two rounds from the last open one: the second lies beyond the window",
        &pre,
        rounds(buy_msg(1, nonce(1), 17, 1), 2),
        "OutsideWindow",
    )?;
    bad(
        ctx,
        "rounds_last_target_overflows",
        "target_slot + rounds - 1 exceeds 2**64 - 1",
        &pre,
        rounds(buy_msg(1, nonce(1), 10, 1), u64::MAX),
        "AmountOverflow",
    )?;
    bad(
        ctx,
        "rounds_total_cost_overflows",
        "tickets * price fits but times rounds does not",
        &pre,
        rounds(buy_msg(1, nonce(1), 10, u64::MAX / 2 + 1), 2),
        "AmountOverflow",
    )?;
    {
        let mut p = pre.clone();
        p.builders[1].balance = 30;
        ok(
            ctx,
            "rounds_balance_exactly_total",
            "three rounds of 10 tickets at price 1 spend the whole balance of 30",
            &p,
            rounds(buy_msg(1, nonce(1), 11, 10), 3),
        )?;
        bad(
            ctx,
            "rounds_insufficient_balance",
            "each round is affordable, all three together are not",
            &p,
            rounds(buy_msg(1, nonce(1), 11, 11), 3),
            "InsufficientBalance",
        )?;
    }
    {
        let mut p = pre.clone();
        let i = round_index(12);
        p.ticket_rounds[i].bids[0].paid = u64::MAX;
        bad(
            ctx,
            "rounds_overflow_in_a_later_round",
            "round 11 takes the bid, round 12's escrow would overflow: nothing is applied",
            &p,
            rounds(buy_msg(0, nonce(0), 11, 1), 2),
            "AmountOverflow",
        )?;
    }

    // Pool lifetime at slot 5: builders 0, 1, 2 hold pooled tickets (some were drawn).
    for (name, payment, destination) in [
        (
            "all_pay_burn",
            PaymentRule::AllPay,
            PaymentDestination::Burn,
        ),
        (
            "all_pay_smooth",
            PaymentRule::AllPay,
            PaymentDestination::Smooth,
        ),
        (
            "winner_pay_burn",
            PaymentRule::WinnerPay,
            PaymentDestination::Burn,
        ),
        (
            "winner_pay_smooth",
            PaymentRule::WinnerPay,
            PaymentDestination::Smooth,
        ),
    ] {
        let pool = pool_chain(pool_config(payment, destination, false), false, 4)?;
        let pre = pool.chain.state_at(5)?;
        let nonce = |b: usize| pre.builders[b].nonce;
        ok(
            ctx,
            &format!("pool_{name}"),
            &format!("pool purchase under {payment} and {destination}, adding to a holding"),
            &pre,
            buy_msg(0, nonce(0), 9, 6),
        )?;
        ok(
            ctx,
            &format!("pool_{name}_expiry_now"),
            "a pool purchase whose expiry is the current slot (the earliest allowed)",
            &pre,
            buy_msg(3, nonce(3), 5, 2),
        )?;
        ok(
            ctx,
            &format!("pool_{name}_expiry_latest"),
            "a pool purchase whose expiry is slot + round_window (the latest allowed)",
            &pre,
            buy_msg(3, nonce(3), 13, 2),
        )?;
        bad(
            ctx,
            &format!("pool_{name}_expired"),
            "a pool purchase whose expiry has passed",
            &pre,
            buy_msg(3, nonce(3), 4, 2),
            "OutsideWindow",
        )?;
        bad(
            ctx,
            &format!("pool_{name}_two_rounds"),
            "a pool purchase must name exactly one round (the pool has no rounds to stand in)",
            &pre,
            BuyTickets {
                rounds: 2,
                ..buy_msg(3, nonce(3), 9, 2)
            },
            "InvalidRounds",
        )?;
        bad(
            ctx,
            &format!("pool_{name}_expiry_too_far"),
            "a pool purchase whose expiry lies past slot + round_window",
            &pre,
            buy_msg(3, nonce(3), 14, 2),
            "OutsideWindow",
        )?;
        let mut p = pre.clone();
        p.builders[0].pool_tickets = u64::MAX - 1;
        bad(
            ctx,
            &format!("pool_{name}_tickets_overflow"),
            "the pooled ticket count would exceed 2**64 - 1",
            &p,
            buy_msg(0, nonce(0), 9, 2),
            "AmountOverflow",
        )?;
        let mut p = pre.clone();
        p.builders[0].pool_paid = u64::MAX - 1;
        bad(
            ctx,
            &format!("pool_{name}_paid_overflow"),
            "the pooled cost basis would exceed 2**64 - 1",
            &p,
            buy_msg(0, nonce(0), 9, 2),
            "AmountOverflow",
        )?;
        // The destination total and the slot's revenue bucket must have room when (and
        // only when) the purchase is collected at once.
        let collects = payment == PaymentRule::AllPay;
        for (what, edit) in [
            ("burned_total", 0usize),
            ("smoothing_pool", 1),
            ("slot_revenue", 2),
        ] {
            let mut p = pre.clone();
            match edit {
                0 => p.accounting.total_burned = u64::MAX - 1,
                1 => p.accounting.smoothing_pool = u64::MAX - 1,
                _ => p.slot_revenue[5] = u64::MAX - 1,
            }
            let hits = collects
                && match edit {
                    0 => destination == PaymentDestination::Burn,
                    1 => destination == PaymentDestination::Smooth,
                    _ => true,
                };
            let case = format!("pool_{name}_{what}_near_max");
            let d = format!(
                "{what} is 2**64 - 2 before a purchase of 2 tickets under {payment} and {destination}"
            );
            if hits {
                bad(ctx, &case, &d, &p, buy_msg(0, nonce(0), 9, 2), "Overflow")?;
            } else {
                ok(ctx, &case, &d, &p, buy_msg(0, nonce(0), 9, 2))?;
            }
        }
    }

    // Signatures (BLS checked): at slot 5 of a signed chain.
    let signed = round_chain(default_config(), true, 4)?;
    let chain = signed_at(&signed, 5)?;
    let pre = &chain.state;
    let good = chain.buy(1, 11, 3, 5, 0)?;
    op(
        ctx,
        H,
        "signed",
        "a correctly signed purchase",
        BLS_REQUIRED,
        pre,
        Input::Buy(good.clone()),
        None,
    )?;
    let mut wrong_key = good.clone();
    wrong_key.signature = chain
        .buy_with(buy_msg(2, good.message.nonce, 11, 3), 5)?
        .signature;
    op(
        ctx,
        H,
        "signed_by_another_builder",
        "signed by another builder's key",
        BLS_REQUIRED,
        pre,
        Input::Buy(wrong_key),
        Some("InvalidSignature(BuyTickets)"),
    )?;
    let mut wrong_domain = good.clone();
    let root = signing_root(
        pre,
        &good.message,
        DOMAIN_SELL_TICKETS,
        get_current_epoch(pre),
    )?;
    wrong_domain.signature = Bytes96(chain.builder_key(1).sign(&root).to_bytes());
    op(
        ctx,
        H,
        "signed_for_another_domain",
        "signed over DOMAIN_SELL_TICKETS instead of DOMAIN_BUY_TICKETS",
        BLS_REQUIRED,
        pre,
        Input::Buy(wrong_domain),
        Some("InvalidSignature(BuyTickets)"),
    )?;
    let mut zero = good.clone();
    zero.signature = BlsSignature::ZERO;
    op(
        ctx,
        H,
        "signature_not_a_point",
        "signature bytes that do not decode to a G2 point",
        BLS_REQUIRED,
        pre,
        Input::Buy(zero),
        Some("InvalidSignature(BuyTickets)"),
    )?;
    let mut tampered = good;
    tampered.message.tickets += 1;
    op(
        ctx,
        H,
        "signed_message_tampered",
        "the message was changed after signing",
        BLS_REQUIRED,
        pre,
        Input::Buy(tampered),
        Some("InvalidSignature(BuyTickets)"),
    )?;
    let pool = pool_chain(
        pool_config(PaymentRule::AllPay, PaymentDestination::Burn, false),
        true,
        2,
    )?;
    let chain = signed_at(&pool, 3)?;
    let good = chain.buy(3, 5, 4, 3, 0)?;
    op(
        ctx,
        H,
        "signed_pool",
        "a correctly signed pool purchase",
        BLS_REQUIRED,
        &chain.state,
        Input::Buy(good),
        None,
    )?;
    Ok(())
}

/// A signed chain's driver advanced to `slot` (for signing operations at that slot).
fn signed_at(fixture: &Fixture, slot: Slot) -> Result<Chain> {
    let mut chain = fixture.chain.clone();
    chain.advance(slot)?;
    Ok(chain)
}

fn sell_tickets(ctx: &mut Ctx) -> Result<()> {
    const H: &str = "sell_tickets";
    let ign = BLS_IGNORED;
    let sell =
        |ctx: &mut Ctx, case: &str, d: &str, pre: &BeaconState, input: Input, e: Option<&str>| {
            op(ctx, H, case, d, ign, pre, input, e)
        };
    // Sell-back disabled: round lifetime, and pool without sell_back.
    let round = round_chain(default_config(), false, 2)?;
    let pre = round.chain.state_at(3)?;
    sell(
        ctx,
        "disabled_round_lifetime",
        "sales are refused under the round lifetime",
        &pre,
        unsigned_sell(0, pre.builders[0].nonce, 1, 0),
        Some("SellBackDisabled"),
    )?;
    sell(
        ctx,
        "disabled_before_unknown_builder",
        "SellBackDisabled is checked before the builder index",
        &pre,
        unsigned_sell(99, 0, 1, 0),
        Some("SellBackDisabled"),
    )?;
    let pool = pool_chain(
        pool_config(PaymentRule::AllPay, PaymentDestination::Burn, false),
        false,
        3,
    )?;
    let pre = pool.chain.state_at(4)?;
    sell(
        ctx,
        "disabled_pool_without_sell_back",
        "sales are refused when sell_back is off",
        &pre,
        unsigned_sell(0, pre.builders[0].nonce, 1, 0),
        Some("SellBackDisabled"),
    )?;

    for (name, payment) in [
        ("all_pay", PaymentRule::AllPay),
        ("winner_pay", PaymentRule::WinnerPay),
    ] {
        // Builders 0, 1, 2 hold pooled tickets at slot 4.
        let pool = pool_chain(
            pool_config(payment, PaymentDestination::Burn, true),
            false,
            3,
        )?;
        let pre = pool.chain.state_at(4)?;
        let nonce = |b: usize| pre.builders[b].nonce;
        let held = |b: usize| pre.builders[b].pool_tickets;
        let c = |s: &str| format!("{name}_{s}");
        sell(
            ctx,
            &c("some"),
            &format!("{payment}: selling part of a holding"),
            &pre,
            unsigned_sell(0, nonce(0), 3, 0),
            None,
        )?;
        sell(
            ctx,
            &c("all"),
            &format!("{payment}: selling a whole holding takes its whole cost basis"),
            &pre,
            unsigned_sell(1, nonce(1), held(1), 0),
            None,
        )?;
        sell(
            ctx,
            &c("not_enough_tickets"),
            "selling one ticket more than held",
            &pre,
            unsigned_sell(1, nonce(1), held(1) + 1, 0),
            Some("NotEnoughTickets"),
        )?;
        sell(
            ctx,
            &c("nothing_held"),
            "a builder with an empty pool sells one ticket",
            &pre,
            unsigned_sell(3, nonce(3), 1, 0),
            Some("NotEnoughTickets"),
        )?;
        sell(
            ctx,
            &c("zero_tickets"),
            "selling no tickets",
            &pre,
            unsigned_sell(0, nonce(0), 0, 0),
            Some("ZeroTickets"),
        )?;
        sell(
            ctx,
            &c("unknown_builder"),
            "builder index equal to the registry length",
            &pre,
            unsigned_sell(4, 0, 1, 0),
            Some("UnknownBuilder"),
        )?;
        sell(
            ctx,
            &c("bad_nonce"),
            "a replayed nonce",
            &pre,
            unsigned_sell(0, nonce(0) - 1, 1, 0),
            Some("BadNonce"),
        )?;
        let mut p = pre.clone();
        p.builders[0].nonce = u64::MAX;
        sell(
            ctx,
            &c("nonce_exhausted"),
            "the next nonce would overflow",
            &p,
            unsigned_sell(0, u64::MAX, 1, 0),
            Some("Overflow"),
        )?;
        // Price limits: payout of 2 tickets.
        let (_, payout) = etn_mechanism::consensus::payment::sell_back_payout(
            payment,
            pre.ticket_price,
            pre.builders[0].pool_paid,
            held(0),
            2,
        )
        .map_err(|e| anyhow!("{e}"))?;
        let per_ticket = payout / 2;
        sell(
            ctx,
            &c("min_price_met"),
            "min_price * tickets equal to the payout",
            &pre,
            unsigned_sell(0, nonce(0), 2, per_ticket),
            None,
        )?;
        sell(
            ctx,
            &c("min_price_missed"),
            "min_price * tickets one ticket-price above the payout",
            &pre,
            unsigned_sell(0, nonce(0), 2, per_ticket + 1),
            Some("PriceBelowLimit"),
        )?;
        sell(
            ctx,
            &c("min_price_product_beyond_64_bits"),
            "min_price * tickets = 2**64 (compared in 128 bits, so it is not 0)",
            &pre,
            unsigned_sell(0, nonce(0), 2, 1 << 63),
            Some("PriceBelowLimit"),
        )?;
        // Balance and totals near 2**64.
        let mut p = pre.clone();
        p.builders[0].balance = u64::MAX;
        sell(
            ctx,
            &c("balance_overflow"),
            "the payout would push the balance past 2**64 - 1",
            &p,
            unsigned_sell(0, nonce(0), 2, 0),
            Some("Overflow"),
        )?;
        let mut p = pre.clone();
        p.accounting.total_sell_back_paid = u64::MAX;
        p.accounting.total_refunded = 0;
        let hits = payment == PaymentRule::AllPay;
        sell(
            ctx,
            &c("sell_back_total_at_max"),
            "total_sell_back_paid is 2**64 - 1 (only all-pay adds to it)",
            &p,
            unsigned_sell(0, nonce(0), 2, 0),
            hits.then_some("Overflow"),
        )?;
        let mut p = pre.clone();
        p.accounting.total_refunded = u64::MAX;
        sell(
            ctx,
            &c("refunded_total_at_max"),
            "total_refunded is 2**64 - 1 (only winner-pay adds to it)",
            &p,
            unsigned_sell(0, nonce(0), 2, 0),
            (!hits).then_some("Overflow"),
        )?;
        // tickets_sold_in_slot: reduced, not below zero.
        let mut p = pre.clone();
        p.accounting.tickets_sold_in_slot = 5;
        sell(
            ctx,
            &c("reduces_slot_demand"),
            "a sale lowers tickets_sold_in_slot by the tickets sold",
            &p,
            unsigned_sell(0, nonce(0), 3, 0),
            None,
        )?;
        p.accounting.tickets_sold_in_slot = 1;
        sell(
            ctx,
            &c("slot_demand_floors_at_zero"),
            "a sale larger than the slot's purchases leaves tickets_sold_in_slot at 0",
            &p,
            unsigned_sell(0, nonce(0), 3, 0),
            None,
        )?;
        // All-pay payouts: at the price below cost, and capped at the cost share.
        let mut p = pre.clone();
        p.ticket_price = 1_000;
        sell(
            ctx,
            &c("price_above_cost"),
            "the current price exceeds what the tickets cost",
            &p,
            unsigned_sell(0, nonce(0), 2, 0),
            None,
        )?;
        let mut p = pre.clone();
        p.builders[2].pool_paid = 10;
        p.builders[2].pool_tickets = 3;
        sell(
            ctx,
            &c("uneven_cost_share"),
            "3 tickets with pool_paid 10: two of them take 10 * 2 // 3 = 6",
            &p,
            unsigned_sell(2, nonce(2), 2, 0),
            None,
        )?;
    }
    // Signed sales.
    let pool = pool_chain(
        pool_config(PaymentRule::WinnerPay, PaymentDestination::Smooth, true),
        true,
        3,
    )?;
    let chain = signed_at(&pool, 4)?;
    let good = chain.sell(0, 2, 4, 0)?;
    op(
        ctx,
        H,
        "signed",
        "a correctly signed sale",
        BLS_REQUIRED,
        &chain.state,
        Input::Sell(good.clone()),
        None,
    )?;
    let mut bad = good;
    bad.signature = chain
        .sell_with(
            SellTickets {
                builder_index: 1,
                ..bad.message.clone()
            },
            4,
        )?
        .signature;
    op(
        ctx,
        H,
        "signed_by_another_builder",
        "signed by another builder's key",
        BLS_REQUIRED,
        &chain.state,
        Input::Sell(bad),
        Some("InvalidSignature(SellTickets)"),
    )?;
    Ok(())
}

fn attestation(ctx: &mut Ctx) -> Result<()> {
    const H: &str = "attestation";
    let ign = BLS_IGNORED;
    let fx = round_chain(default_config(), false, 9)?;
    let att = |slot: Slot| -> Result<Attestation> {
        fx.votes
            .get(&slot)
            .and_then(|v| v.first())
            .cloned()
            .ok_or_else(|| anyhow!("no attestation for slot {slot}"))
    };
    // State at slot 5 (epoch 0): the chain's blocks 1..=9 exist, so take the state of
    // the chain at slot 4 and advance it.
    let at = |slot: Slot| -> Result<BeaconState> {
        let mut c = round_chain(default_config(), false, slot - 1)?.chain;
        c.advance(slot)?;
        Ok(c.state)
    };
    let s5 = at(5)?;
    let a4 = att(4)?;
    let case =
        |ctx: &mut Ctx, c: &str, d: &str, pre: &BeaconState, a: Attestation, e: Option<&str>| {
            op(ctx, H, c, d, ign, pre, Input::Attestation(a), e)
        };
    case(
        ctx,
        "timely",
        "an attestation of the previous slot with matching target and head: source, target and head flags",
        &s5,
        a4.clone(),
        None,
    )?;
    case(
        ctx,
        "delay_two",
        "included two slots late: no head flag",
        &s5,
        att(3)?,
        None,
    )?;
    let mut a = a4.clone();
    a.data.beacon_block_root = Bytes32([7; 32]);
    case(
        ctx,
        "wrong_head",
        "a head root that is not the chain's: source and target flags",
        &s5,
        a,
        None,
    )?;
    let mut a = a4.clone();
    a.data.target.root = Bytes32([7; 32]);
    case(
        ctx,
        "wrong_target",
        "a target root that is not the chain's: source flag only",
        &s5,
        a,
        None,
    )?;
    let mut a = a4.clone();
    let bits: Vec<bool> = (0..a.aggregation_bits.len()).map(|i| i == 1).collect();
    a.aggregation_bits = Bitlist::try_from(bits.as_slice()).map_err(|_| anyhow!("bits"))?;
    case(
        ctx,
        "partial_aggregate",
        "only the second committee member takes part",
        &s5,
        a,
        None,
    )?;
    let s12 = at(12)?;
    case(
        ctx,
        "latest_inclusion",
        "an attestation of slot 4 included at slot 12 (slot + slots_per_epoch), previous epoch",
        &s12,
        a4.clone(),
        None,
    )?;
    let s13 = at(13)?;
    case(
        ctx,
        "too_late",
        "an attestation of slot 4 included at slot 13",
        &s13,
        a4.clone(),
        Some("AttestationInclusionWindow"),
    )?;
    let mut a = a4.clone();
    a.data.slot = 5;
    case(
        ctx,
        "too_early",
        "an attestation of the current slot",
        &s5,
        a,
        Some("AttestationInclusionWindow"),
    )?;
    let mut a = a4.clone();
    a.data.target.epoch = 1;
    case(
        ctx,
        "target_epoch_future",
        "a target epoch after the current one",
        &s5,
        a,
        Some("AttestationTargetEpoch"),
    )?;
    let s9 = at(9)?;
    let mut a = att(8)?;
    a.data.slot = 7;
    case(
        ctx,
        "target_slot_mismatch",
        "target epoch 1 but a slot of epoch 0",
        &s9,
        a,
        Some("AttestationTargetSlotMismatch"),
    )?;
    let s17 = at(17)?;
    case(
        ctx,
        "target_epoch_too_old",
        "an epoch-0 attestation in epoch 2",
        &s17,
        a4.clone(),
        Some("AttestationTargetEpoch"),
    )?;
    let mut a = a4.clone();
    a.data.index = 1;
    case(
        ctx,
        "committee_index_out_of_range",
        "committee index 1 with one committee per slot",
        &s5,
        a,
        Some("CommitteeIndexOutOfRange"),
    )?;
    for (c, len) in [("bits_too_short", -1i64), ("bits_too_long", 1)] {
        let mut a = a4.clone();
        let n = (a.aggregation_bits.len() as i64 + len) as usize;
        a.aggregation_bits =
            Bitlist::try_from(vec![true; n].as_slice()).map_err(|_| anyhow!("bits"))?;
        case(
            ctx,
            c,
            "aggregation bits of another length than the committee",
            &s5,
            a,
            Some("AggregationBitsLength"),
        )?;
    }
    let mut a = a4.clone();
    a.aggregation_bits = Bitlist::try_from(vec![false; a4.aggregation_bits.len()].as_slice())
        .map_err(|_| anyhow!("bits"))?;
    case(
        ctx,
        "no_participants",
        "no aggregation bit set",
        &s5,
        a,
        Some("EmptyAttestation"),
    )?;
    let mut a = a4.clone();
    a.data.source.epoch = 1;
    case(
        ctx,
        "wrong_source",
        "a source other than the current justified checkpoint",
        &s5,
        a,
        Some("AttestationWrongSource"),
    )?;
    // Epoch 1: the previous epoch's votes use the previous justified checkpoint.
    let mut p = s9.clone();
    p.current_justified_checkpoint = Checkpoint {
        epoch: 1,
        root: Bytes32([3; 32]),
    };
    case(
        ctx,
        "previous_epoch_previous_source",
        "a previous-epoch attestation whose source is the previous justified checkpoint",
        &p,
        att(7)?,
        None,
    )?;
    case(
        ctx,
        "current_epoch_needs_current_source",
        "a current-epoch attestation with the previous justified checkpoint as source",
        &p,
        att(8)?,
        Some("AttestationWrongSource"),
    )?;
    case(
        ctx,
        "current_epoch",
        "an attestation of the current epoch (epoch 1)",
        &s9,
        att(8)?,
        None,
    )?;
    // Signed.
    let signed = round_chain(default_config(), true, 4)?;
    let pre = signed_at(&signed, 5)?.state;
    let a = signed
        .votes
        .get(&4)
        .and_then(|v| v.first())
        .cloned()
        .ok_or_else(|| anyhow!("vote"))?;
    op(
        ctx,
        H,
        "signed",
        "a correctly signed aggregate",
        BLS_REQUIRED,
        &pre,
        Input::Attestation(a.clone()),
        None,
    )?;
    let mut bad = a.clone();
    bad.signature = signed
        .votes
        .get(&3)
        .and_then(|v| v.first())
        .ok_or_else(|| anyhow!("vote"))?
        .signature;
    op(
        ctx,
        H,
        "signed_over_other_data",
        "the signature of another slot's aggregate",
        BLS_REQUIRED,
        &pre,
        Input::Attestation(bad),
        Some("InvalidSignature(Attestation)"),
    )?;
    Ok(())
}

fn indexed(
    chain: &Chain,
    state: &BeaconState,
    indices: &[u64],
    data: AttestationData,
) -> Result<IndexedAttestation> {
    let signature = if chain.signed {
        let root = signing_root(state, &data, DOMAIN_BEACON_ATTESTER, data.target.epoch)?;
        let sigs: Vec<_> = indices
            .iter()
            .map(|i| chain.validator_key(*i).sign(&root))
            .collect();
        let refs: Vec<_> = sigs.iter().collect();
        Bytes96(etn_crypto::aggregate_signatures(&refs)?.to_bytes())
    } else {
        BlsSignature::ZERO
    };
    Ok(IndexedAttestation {
        attesting_indices: indices
            .to_vec()
            .try_into()
            .map_err(|_| anyhow!("indices"))?,
        data,
        signature,
    })
}

fn vote(epoch_source: Epoch, epoch_target: Epoch, head: u8) -> AttestationData {
    AttestationData {
        slot: epoch_target * 8,
        index: 0,
        beacon_block_root: Bytes32([head; 32]),
        source: Checkpoint {
            epoch: epoch_source,
            root: Bytes32([1; 32]),
        },
        target: Checkpoint {
            epoch: epoch_target,
            root: Bytes32([2; 32]),
        },
    }
}

fn attester_slashing(ctx: &mut Ctx) -> Result<()> {
    const H: &str = "attester_slashing";
    let fx = round_chain(default_config(), false, 3)?;
    let chain = signed_at(&fx, 4)?;
    let pre = chain.state.clone();
    let slashing =
        |a: &[u64], da: AttestationData, b: &[u64], db: AttestationData| -> Result<Input> {
            Ok(Input::Slashing(AttesterSlashing {
                attestation_1: indexed(&chain, &pre, a, da)?,
                attestation_2: indexed(&chain, &pre, b, db)?,
            }))
        };
    let ign = BLS_IGNORED;
    let case = |ctx: &mut Ctx, c: &str, d: &str, pre: &BeaconState, i: Input, e: Option<&str>| {
        op(ctx, H, c, d, ign, pre, i, e)
    };
    case(
        ctx,
        "double_vote",
        "two different votes for one target epoch: the common signers 2 and 3 are slashed",
        &pre,
        slashing(&[1, 2, 3], vote(0, 1, 5), &[2, 3, 4], vote(0, 1, 6))?,
        None,
    )?;
    case(
        ctx,
        "surround_vote",
        "the first vote surrounds the second",
        &pre,
        slashing(&[5, 6], vote(0, 3, 5), &[6], vote(1, 2, 5))?,
        None,
    )?;
    case(
        ctx,
        "surrounded_is_not_slashable",
        "the first vote is surrounded by the second (the order matters)",
        &pre,
        slashing(&[6], vote(1, 2, 5), &[5, 6], vote(0, 3, 5))?,
        Some("NotSlashable"),
    )?;
    case(
        ctx,
        "same_source_not_surround",
        "nested targets with equal sources are not a surround",
        &pre,
        slashing(&[6], vote(1, 3, 5), &[6], vote(1, 2, 5))?,
        Some("NotSlashable"),
    )?;
    case(
        ctx,
        "identical_votes",
        "the same vote twice",
        &pre,
        slashing(&[1, 2], vote(0, 1, 5), &[1, 2], vote(0, 1, 5))?,
        Some("NotSlashable"),
    )?;
    case(
        ctx,
        "different_targets",
        "two votes for different target epochs, neither surrounding",
        &pre,
        slashing(&[1], vote(0, 1, 5), &[1], vote(0, 2, 6))?,
        Some("NotSlashable"),
    )?;
    let mut p = pre.clone();
    p.validators[2].slashed = true;
    case(
        ctx,
        "partly_slashed_already",
        "validator 2 is slashed already; 3 is slashed now",
        &p,
        slashing(&[1, 2, 3], vote(0, 1, 5), &[2, 3, 4], vote(0, 1, 6))?,
        None,
    )?;
    let mut p = pre.clone();
    p.validators[2].slashed = true;
    p.validators[3].slashed = true;
    case(
        ctx,
        "all_slashed_already",
        "every common signer is slashed already",
        &p,
        slashing(&[1, 2, 3], vote(0, 1, 5), &[2, 3, 4], vote(0, 1, 6))?,
        Some("NothingSlashed"),
    )?;
    case(
        ctx,
        "no_common_signer",
        "the two votes share no signer",
        &pre,
        slashing(&[1, 2], vote(0, 1, 5), &[3, 4], vote(0, 1, 6))?,
        Some("NothingSlashed"),
    )?;
    for (c, d, first, second) in [
        (
            "first_empty",
            "the first indexed attestation has no indices",
            vec![],
            vec![1u64],
        ),
        (
            "first_unsorted",
            "the first indexed attestation's indices are not increasing",
            vec![3, 2],
            vec![2, 3],
        ),
        (
            "first_duplicate",
            "the first indexed attestation repeats an index",
            vec![2, 2],
            vec![2],
        ),
        (
            "first_unknown_validator",
            "the first indexed attestation names a validator past the registry",
            vec![2, 24],
            vec![2],
        ),
        (
            "second_empty",
            "the second indexed attestation has no indices",
            vec![1],
            vec![],
        ),
        (
            "second_unsorted",
            "the second indexed attestation's indices are not increasing",
            vec![2, 3],
            vec![3, 2],
        ),
        (
            "second_unknown_validator",
            "the second indexed attestation names a validator past the registry",
            vec![2],
            vec![2, 99],
        ),
    ] {
        case(
            ctx,
            c,
            d,
            &pre,
            slashing(&first, vote(0, 1, 5), &second, vote(0, 1, 6))?,
            Some("BadIndexedAttestation"),
        )?;
    }
    // Signed.
    let fx = round_chain(default_config(), true, 3)?;
    let chain = signed_at(&fx, 4)?;
    let pre = chain.state.clone();
    let signed = AttesterSlashing {
        attestation_1: indexed(&chain, &pre, &[1, 2], vote(0, 1, 5))?,
        attestation_2: indexed(&chain, &pre, &[2, 7], vote(0, 1, 6))?,
    };
    op(
        ctx,
        H,
        "signed",
        "a double vote with both aggregates correctly signed",
        BLS_REQUIRED,
        &pre,
        Input::Slashing(signed.clone()),
        None,
    )?;
    let mut bad = signed.clone();
    bad.attestation_2.signature = signed.attestation_1.signature;
    op(
        ctx,
        H,
        "signed_second_invalid",
        "the second indexed attestation carries the first one's signature",
        BLS_REQUIRED,
        &pre,
        Input::Slashing(bad),
        Some("InvalidSignature(AttesterSlashing)"),
    )?;
    let mut bad = signed;
    bad.attestation_1.signature = BlsSignature::ZERO;
    op(
        ctx,
        H,
        "signed_first_not_a_point",
        "the first signature does not decode",
        BLS_REQUIRED,
        &pre,
        Input::Slashing(bad),
        Some("InvalidSignature(AttesterSlashing)"),
    )?;
    Ok(())
}

fn body_with(payload: Option<SignedExecutionPayload>) -> Result<BeaconBlockBody> {
    Ok(BeaconBlockBody {
        execution_payload: payload
            .into_iter()
            .collect::<Vec<_>>()
            .try_into()
            .map_err(|_| anyhow!("payload"))?,
        ..Default::default()
    })
}

fn execution_payload(ctx: &mut Ctx) -> Result<()> {
    const H: &str = "execution_payload";
    let ign = BLS_IGNORED;
    // Slot 6 is assigned (the round for 6 closed at slot 2); slot 7 is not.
    let fx = round_chain(default_config(), false, 5)?;
    let pre = fx.chain.state_at(6)?;
    let assigned = etn_state::accessors::get_assigned_builder(&pre, 6)
        .ok_or_else(|| anyhow!("slot 6 has no builder"))?;
    let payload = |slot: Slot, builder: u64, value: Gwei| SignedExecutionPayload {
        message: ExecutionPayload {
            slot,
            builder_index: builder,
            value,
            transactions: Default::default(),
        },
        signature: BlsSignature::ZERO,
    };
    let case = |ctx: &mut Ctx,
                c: &str,
                d: &str,
                pre: &BeaconState,
                p: Option<SignedExecutionPayload>,
                e: Option<&str>|
     -> Result<()> { op(ctx, H, c, d, ign, pre, Input::Body(body_with(p)?), e) };
    let max = pre.config.max_execution_inflow_per_slot;
    case(
        ctx,
        "delivered",
        "the assigned builder's payload: its value is credited and the slot is delivered",
        &pre,
        Some(payload(6, assigned, 777)),
        None,
    )?;
    case(
        ctx,
        "delivered_zero_value",
        "a payload worth nothing still delivers the slot",
        &pre,
        Some(payload(6, assigned, 0)),
        None,
    )?;
    case(
        ctx,
        "delivered_at_limit",
        "a payload worth exactly max_execution_inflow_per_slot",
        &pre,
        Some(payload(6, assigned, max)),
        None,
    )?;
    let mut with_txs = payload(6, assigned, 5);
    with_txs.message.transactions = vec![
        vec![1u8, 2, 3].try_into().map_err(|_| anyhow!("tx"))?,
        vec![0xffu8; 40].try_into().map_err(|_| anyhow!("tx"))?,
    ]
    .try_into()
    .map_err(|_| anyhow!("txs"))?;
    case(
        ctx,
        "delivered_with_transactions",
        "a payload carrying mock transactions",
        &pre,
        Some(with_txs),
        None,
    )?;
    case(
        ctx,
        "missed",
        "no payload although a builder is assigned: the slot is missed",
        &pre,
        None,
        None,
    )?;
    case(
        ctx,
        "above_limit",
        "a payload worth one Gwei more than the per-slot maximum",
        &pre,
        Some(payload(6, assigned, max + 1)),
        Some("InflowAboveLimit"),
    )?;
    case(
        ctx,
        "wrong_slot",
        "a payload for another slot",
        &pre,
        Some(payload(7, assigned, 1)),
        Some("PayloadWrongSlot"),
    )?;
    case(
        ctx,
        "unassigned_builder",
        "a payload from a builder that was not assigned",
        &pre,
        Some(payload(6, (assigned + 1) % 4, 1)),
        Some("PayloadFromUnassignedBuilder"),
    )?;
    let mut p = pre.clone();
    p.builders[assigned as usize].balance = u64::MAX - 1;
    case(
        ctx,
        "balance_overflow",
        "the builder's balance would exceed 2**64 - 1",
        &p,
        Some(payload(6, assigned, 2)),
        Some("Overflow"),
    )?;
    let mut p = pre.clone();
    p.accounting.total_execution_inflow = u64::MAX - 1;
    case(
        ctx,
        "inflow_total_overflow",
        "the inflow total would exceed 2**64 - 1",
        &p,
        Some(payload(6, assigned, 2)),
        Some("Overflow"),
    )?;
    let s7 = fx.chain.state_at(7)?;
    case(
        ctx,
        "without_assignment",
        "a payload in a slot nobody was assigned",
        &s7,
        Some(payload(7, 0, 1)),
        Some("PayloadWithoutAssignment"),
    )?;
    case(
        ctx,
        "empty_without_assignment",
        "no payload and no builder: nothing happens",
        &s7,
        None,
        None,
    )?;
    // The ring entry of slot 7 still describes slot 7 - 64 = an older assignment.
    let mut p = s7.clone();
    p.slot = 71;
    p.builder_assignments[7] = BuilderAssignment {
        slot: 7,
        builder_index: 1,
        revenue: 3,
        payload_status: payload_status::PENDING,
        inflow: 0,
    };
    case(
        ctx,
        "stale_ring_entry",
        "the ring entry of the slot belongs to the slot 64 earlier: no builder is assigned",
        &p,
        Some(payload(71, 1, 1)),
        Some("PayloadWithoutAssignment"),
    )?;
    case(
        ctx,
        "stale_ring_entry_empty",
        "an empty payload leaves a stale ring entry alone",
        &p,
        None,
        None,
    )?;
    // Signed.
    let fx = round_chain(default_config(), true, 5)?;
    let chain = signed_at(&fx, 6)?;
    let good = chain
        .payload_for(6, 99)?
        .ok_or_else(|| anyhow!("no assignment in the signed chain"))?;
    op(
        ctx,
        H,
        "signed",
        "a correctly signed payload",
        BLS_REQUIRED,
        &chain.state,
        Input::Body(body_with(Some(good.clone()))?),
        None,
    )?;
    let mut bad = good.clone();
    let other = (good.message.builder_index + 1) % 4;
    let root = signing_root(&chain.state, &bad.message, DOMAIN_EXECUTION_PAYLOAD, 0)?;
    bad.signature = Bytes96(chain.builder_key(other).sign(&root).to_bytes());
    op(
        ctx,
        H,
        "signed_by_another_builder",
        "signed by a builder other than the assigned one",
        BLS_REQUIRED,
        &chain.state,
        Input::Body(body_with(Some(bad))?),
        Some("InvalidSignature(ExecutionPayload)"),
    )?;
    Ok(())
}

fn block_header(ctx: &mut Ctx) -> Result<()> {
    const H: &str = "block_header";
    let ign = BLS_IGNORED;
    let fx = round_chain(default_config(), false, 4)?;
    let pre = fx.chain.state_at(5)?;
    let block = fx.chain.produce(5, Default::default())?.message;
    let case =
        |ctx: &mut Ctx, c: &str, d: &str, pre: &BeaconState, b: BeaconBlock, e: Option<&str>| {
            op(ctx, H, c, d, ign, pre, Input::Block(b), e)
        };
    case(
        ctx,
        "valid",
        "a header for the state's slot by its proposer on the latest block",
        &pre,
        block.clone(),
        None,
    )?;
    let mut b = block.clone();
    b.slot = 6;
    case(
        ctx,
        "wrong_slot",
        "a block for another slot than the state's",
        &pre,
        b,
        Some("WrongSlot"),
    )?;
    let mut b = block.clone();
    b.proposer_index = (b.proposer_index + 1) % VALIDATORS_U64;
    case(
        ctx,
        "wrong_proposer",
        "a block by a validator that is not the slot's proposer",
        &pre,
        b,
        Some("WrongProposer"),
    )?;
    let mut b = block.clone();
    b.parent_root = Bytes32([9; 32]);
    case(
        ctx,
        "wrong_parent",
        "a parent root other than the latest block header's",
        &pre,
        b,
        Some("WrongParent"),
    )?;
    // The latest block is at the state's slot already.
    let at4 = fx.chain.state.clone();
    let mut b = block.clone();
    b.slot = 4;
    case(
        ctx,
        "not_newer",
        "a second block for a slot that has one",
        &at4,
        b,
        Some("BlockNotNewer"),
    )?;
    // The proposer passes over slashed validators; with all slashed there is none.
    let mut p = pre.clone();
    let proposer = get_beacon_proposer_index(&p)?;
    p.validators[proposer as usize].slashed = true;
    let next = get_beacon_proposer_index(&p)?;
    let mut b = block.clone();
    b.proposer_index = next;
    case(
        ctx,
        "proposer_slashed_passed_over",
        "the first candidate is slashed: the next unslashed candidate proposes",
        &p,
        b,
        None,
    )?;
    case(
        ctx,
        "slashed_proposer_refused",
        "a block by the slashed first candidate",
        &p,
        block.clone(),
        Some("WrongProposer"),
    )?;
    let mut p = pre.clone();
    for v in p.validators.iter_mut() {
        v.slashed = true;
    }
    case(
        ctx,
        "every_validator_slashed",
        "no unslashed validator is left to propose",
        &p,
        block,
        Some("MalformedState"),
    )?;
    Ok(())
}

const VALIDATORS_U64: u64 = super::VALIDATORS;

fn randao_cases(ctx: &mut Ctx) -> Result<()> {
    const H: &str = "randao";
    let fx = round_chain(default_config(), true, 4)?;
    let chain = signed_at(&fx, 5)?;
    let pre = chain.state.clone();
    let epoch = get_current_epoch(&pre);
    let proposer = get_beacon_proposer_index(&pre)?;
    let reveal = randao_reveal(&pre, epoch, chain.validator_key(proposer))?;
    let body = |reveal: BlsSignature| BeaconBlockBody {
        randao_reveal: reveal,
        ..Default::default()
    };
    op(
        ctx,
        H,
        "signed",
        "the proposer's reveal of the epoch is mixed in",
        BLS_REQUIRED,
        &pre,
        Input::Body(body(reveal)),
        None,
    )?;
    let other = randao_reveal(
        &pre,
        epoch,
        chain.validator_key((proposer + 1) % VALIDATORS_U64),
    )?;
    op(
        ctx,
        H,
        "signed_by_another_validator",
        "a reveal by a validator that is not the proposer",
        BLS_REQUIRED,
        &pre,
        Input::Body(body(other)),
        Some("InvalidRandaoReveal"),
    )?;
    let wrong_epoch = randao_reveal(&pre, epoch + 1, chain.validator_key(proposer))?;
    op(
        ctx,
        H,
        "signed_for_another_epoch",
        "the proposer's reveal of the next epoch",
        BLS_REQUIRED,
        &pre,
        Input::Body(body(wrong_epoch)),
        Some("InvalidRandaoReveal"),
    )?;
    op(
        ctx,
        H,
        "not_a_point",
        "reveal bytes that do not decode",
        BLS_REQUIRED,
        &pre,
        Input::Body(body(BlsSignature::ZERO)),
        Some("InvalidRandaoReveal"),
    )?;
    // Unsigned: the mix update alone, in another epoch.
    let fx = round_chain(default_config(), false, 9)?;
    let pre = fx.chain.state_at(10)?;
    op(
        ctx,
        H,
        "mix_update",
        "without BLS: the epoch-1 mix is xored with the hash of the reveal",
        BLS_IGNORED,
        &pre,
        Input::Body(body(Bytes96([0x5a; 96]))),
        None,
    )
}
