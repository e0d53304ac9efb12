//! Cases whose expected outcome was derived by hand from the spec text, not computed by
//! any code: the winners from SHA-256 stream bytes read per `uniform_below`
//! (allocation.md), the balances and escrows from the arithmetic of
//! `process_buy_tickets` / `process_sell_tickets` / `process_execution_payload`
//! (beacon-chain.md). Each derivation is written into the case's `meta.yaml`; the
//! expected post-states are the pre-states with exactly the fields the derivation names
//! changed. The implementation is never consulted to *produce* them; once a case is
//! written, the generator replays it through the runner ([`confirm`]) and refuses to
//! finish if the implementation disagrees, so a disagreement surfaces at generation time
//! as well as in the test run.
//!
//! Stream bytes were computed with `sha256sum`-equivalent one-liners (`python3 -c
//! "import hashlib; ..."`), one block per attempt, and are quoted in the derivations so a
//! reader can recompute them.

use super::Ctx;
use super::sampling::write as write_sampling;
use crate::chain::{Chain, config};
use crate::files::CaseWriter;
use crate::meta::{BLS_IGNORED, BLS_NONE, Meta};
use crate::run::{run_case_dir, sampling_handler_of};
use crate::schema::SamplingData;
use anyhow::{Context, Result};
use etn_types::*;

pub fn generate(ctx: &mut Ctx) -> Result<()> {
    sampling(ctx)?;
    operations(ctx)?;
    builder_assignment(ctx)?;
    Ok(())
}

/// Replays the case just written through the runner: the implementation must agree with
/// the values derived by hand.
fn confirm(ctx: &Ctx, runner: &str, handler: &str, case: &str) -> Result<()> {
    let dir = ctx
        .out
        .join(crate::PRESET)
        .join(runner)
        .join(handler)
        .join(case);
    run_case_dir(runner, handler, &dir).with_context(|| {
        format!("the implementation contradicts the hand-derived case {runner}/{handler}/{case}")
    })
}

fn seed(hex: &str) -> Result<Bytes32> {
    hex.parse().map_err(|e: String| anyhow::anyhow!(e))
}

fn bid(builder_index: u64, tickets: u64, paid: u64) -> TicketBid {
    TicketBid {
        builder_index,
        tickets,
        paid,
    }
}

#[allow(clippy::too_many_arguments)]
fn round(
    ctx: &mut Ctx,
    case: &str,
    description: &str,
    derivation: &str,
    rule: AllocationRule,
    payment: PaymentRule,
    seed_hex: &str,
    bids: Vec<TicketBid>,
    lottery: Option<(&str, &str)>,
    winner: Option<u64>,
    charges: Vec<u64>,
) -> Result<()> {
    let (code, num, den) = rule.encode();
    let revenue = charges.iter().sum();
    let data = SamplingData {
        allocation_rule: code,
        alpha_numerator: num,
        alpha_denominator: den,
        seed: seed(seed_hex)?,
        bids: Some(bids),
        payment_rule: Some(payment.code()),
        pool: None,
        total_weight: lottery.map(|l| l.0.to_string()),
        draw: lottery.map(|l| l.1.to_string()),
        winner,
        charges: Some(charges),
        revenue: Some(revenue),
    };
    let meta = Meta::new(description, BLS_NONE).derived(derivation);
    write_sampling(ctx, rule, case, meta, &data)?;
    confirm(ctx, "sampling", sampling_handler_of(rule), case)
}

const SEED_T8: &str = "0xd1daa814a3b1b49724d58f56fc98fd264f4d12b1532a5ed0123bdcd2dbc933a7";
const SEED_T15: &str = "0x368b5384b9a9334bbc85aa890af3108a0bce53d76b39670ed7661e0174df85ab";

fn sampling(ctx: &mut Ctx) -> Result<()> {
    let proportional = AllocationRule::Proportional;
    round(
        ctx,
        "hand_example_1_t8",
        "allocation.md worked example 1 (t = 8), re-derived: proportional, bids (2, 1), all-pay",
        "seed = sha256(0xe7030000 || uint64(8) || 32 zero bytes)\n\
         \x20    = 0xd1daa814a3b1b49724d58f56fc98fd264f4d12b1532a5ed0123bdcd2dbc933a7\n\
         weights (2, 1) (proportional), total = 3: n - 1 = 2 has 2 bits, length = 1 byte, mask = 3\n\
         attempt 0: sha256(seed || uint64(0) || uint64(0)) = 0xe7a3...: 0xe7 = 231, 231 & 3 = 3 >= 3, rejected\n\
         attempt 1: sha256(seed || uint64(1) || uint64(0)) = 0x66c3...: 0x66 = 102, 102 & 3 = 2 < 3, r = 2\n\
         running sums 2, 3: 2 < 2 fails, 2 < 3 holds -> position 1, builder 1 wins\n\
         all-pay: every bid pays its paid: charges (2, 1), revenue 3",
        proportional,
        PaymentRule::AllPay,
        SEED_T8,
        vec![bid(0, 2, 2), bid(1, 1, 1)],
        Some(("3", "2")),
        Some(1),
        vec![2, 1],
    )?;
    round(
        ctx,
        "hand_example_1_t15_winner_pay",
        "allocation.md worked example 1 (t = 15), re-derived: proportional, bids (2, 1), winner-pay",
        "seed = sha256(0xe7030000 || uint64(15) || 32 zero bytes)\n\
         \x20    = 0x368b5384b9a9334bbc85aa890af3108a0bce53d76b39670ed7661e0174df85ab\n\
         total = 3, length 1, mask 3\n\
         attempt 0 block begins 0xb3 = 179, 179 & 3 = 3, rejected\n\
         attempt 1 block begins 0x80 = 128, 128 & 3 = 0 -> r = 0\n\
         running sums 2, 3: 0 < 2 -> position 0, builder 0 wins\n\
         winner-pay: the winner pays its paid 2, the loser 0: charges (2, 0), revenue 2 (builder 1 is refunded 1)",
        proportional,
        PaymentRule::WinnerPay,
        SEED_T15,
        vec![bid(0, 2, 2), bid(1, 1, 1)],
        Some(("3", "0")),
        Some(0),
        vec![2, 0],
    )?;
    round(
        ctx,
        "hand_example_2_alpha_2",
        "allocation.md worked example 2, re-derived: Tullock alpha = 2 (2/1), bids (2, 1), t = 15 seed, winner-pay",
        "weights: q = 1 so tickets ** 2: (4, 1), total = 5; n - 1 = 4 has 3 bits, length 1, mask 7\n\
         attempt 0 (t = 15 seed) block begins 0xb3 = 179, 179 & 7 = 3 < 5 -> r = 3\n\
         running sums 4, 5: 3 < 4 -> position 0, builder 0 wins\n\
         winner-pay: charges (2, 0), revenue 2",
        AllocationRule::Tullock {
            numerator: 2,
            denominator: 1,
        },
        PaymentRule::WinnerPay,
        SEED_T15,
        vec![bid(0, 2, 2), bid(1, 1, 1)],
        Some(("5", "3")),
        Some(0),
        vec![2, 0],
    )?;
    round(
        ctx,
        "hand_example_3_alpha_1_2",
        "allocation.md worked example 3, re-derived: Tullock alpha = 1/2, bids (2, 1), t = 8 seed, all-pay",
        "weights (q = 2): 2 tickets: integer_root(2 << 128, 2) = 26087635650665564424\n\
         \x20 (26087635650665564424 ** 2 <= 2 ** 129 < 26087635650665564425 ** 2);\n\
         \x20 1 ticket: integer_root(1 << 128, 2) = 2 ** 64 = 18446744073709551616\n\
         total = 44534379724375116040; n - 1 has 66 bits: length 9 bytes, mask 2 ** 66 - 1\n\
         attempt 0 block begins 0xe7a346ed19e3861a3f: little-endian, masked = 57251697013488526311 >= total, rejected\n\
         attempt 1 block begins 0x66c3fab2c6ea697273: masked = 63584610953134261094 >= total, rejected\n\
         attempt 2 block begins 0x9e4ae1b688a6c255ae: masked = 43073172892238826142 < total -> r\n\
         running sums 26087635650665564424, 44534379724375116040: r >= the first -> position 1, builder 1 wins\n\
         all-pay: charges (2, 1), revenue 3",
        AllocationRule::Tullock {
            numerator: 1,
            denominator: 2,
        },
        PaymentRule::AllPay,
        SEED_T8,
        vec![bid(0, 2, 2), bid(1, 1, 1)],
        Some(("44534379724375116040", "43073172892238826142")),
        Some(1),
        vec![2, 1],
    )?;
    round(
        ctx,
        "hand_example_4_second_price",
        "allocation.md worked example 4, re-derived: second-price with a capped runner-up, winner-pay",
        "bids (builder, tickets, paid): (2, 5, 5), (5, 9, 9), (7, 9, 12), (9, 3, 3); the seed is not used\n\
         largest holding: 9 tickets, builders 5 and 7 tie, the lower index wins: builder 5 (position 1)\n\
         runner-up excluding position 1: builder 7 (9 tickets, paid 12)\n\
         winner's charge = min(runner-up paid 12, own paid 9) = 9\n\
         winner-pay: charges (0, 9, 0, 0), revenue 9",
        AllocationRule::SecondPrice,
        PaymentRule::WinnerPay,
        SEED_T8,
        vec![bid(2, 5, 5), bid(5, 9, 9), bid(7, 9, 12), bid(9, 3, 3)],
        None,
        Some(5),
        vec![0, 9, 0, 0],
    )?;
    round(
        ctx,
        "hand_three_bids_two_byte_candidate",
        "proportional, bids 100/150/50 (total 300, two-byte candidates), winner-pay, t = 33 seed",
        "seed = sha256(0xe7030000 || uint64(33) || 32 zero bytes)\n\
         \x20    = 0xbf83bd49391a989f768b2c2fc9843c201f23c261ef0cc9219982618da440969c\n\
         total = 300; n - 1 = 299 has 9 bits: length 2 bytes, mask 511\n\
         attempt 0 block begins 0x9e9d: little-endian 0x9d9e = 40350, & 511 = 414 >= 300, rejected\n\
         attempt 1 block begins 0xc2da: 0xdac2 = 56002, & 511 = 194 < 300 -> r = 194\n\
         running sums 100, 250, 300: 194 < 100 fails, 194 < 250 holds -> position 1, builder 1 wins\n\
         winner-pay: charges (0, 150, 0), revenue 150 (builders 0 and 2 are refunded 100 and 50)",
        proportional,
        PaymentRule::WinnerPay,
        "0xbf83bd49391a989f768b2c2fc9843c201f23c261ef0cc9219982618da440969c",
        vec![bid(0, 100, 100), bid(1, 150, 150), bid(2, 50, 50)],
        Some(("300", "194")),
        Some(1),
        vec![0, 150, 0],
    )?;
    round(
        ctx,
        "hand_alpha_3_2_exact_weights",
        "Tullock alpha = 3/2, bids of 1 and 4 tickets (both weights exact), t = 40 seed, all-pay",
        "weights (q = 2): 1 ticket: integer_root(1 ** 3 << 128, 2) = 2 ** 64 = 18446744073709551616;\n\
         \x20 4 tickets: integer_root(4 ** 3 << 128, 2) = 8 * 2 ** 64 = 147573952589676412928\n\
         total = 9 * 2 ** 64 = 166020696663385964544; n - 1 has 68 bits: length 9 bytes, mask 2 ** 68 - 1\n\
         seed = sha256(0xe7030000 || uint64(40) || 32 zero bytes)\n\
         \x20    = 0x636544911fd2b5da56b7a17064bc02044958916951e37abd748178f89a8e6354\n\
         attempt 0 block begins 0x0243c18a8bc0f69a52: the 9th byte 0x52 keeps its low 4 bits (0x02),\n\
         \x20 candidate = 0x029af6c08b8ac14302 = 48059812179091735298 < total -> r\n\
         running sums 18446744073709551616, 166020696663385964544: r >= the first, < the second\n\
         \x20 -> position 1, builder 6 wins\n\
         all-pay: charges (1, 4), revenue 5",
        AllocationRule::Tullock {
            numerator: 3,
            denominator: 2,
        },
        PaymentRule::AllPay,
        "0x636544911fd2b5da56b7a17064bc02044958916951e37abd748178f89a8e6354",
        vec![bid(3, 1, 1), bid(6, 4, 4)],
        Some(("166020696663385964544", "48059812179091735298")),
        Some(6),
        vec![1, 4],
    )?;
    // A pool draw under the uniform rule.
    let data = SamplingData {
        allocation_rule: AllocationRule::Uniform.encode().0,
        alpha_numerator: 0,
        alpha_denominator: 0,
        seed: seed("0xd9eb5349b88b8c0fb1fab72b249e026c7ebe4404da7ce65d0c69e7deb2b3c626")?,
        bids: None,
        payment_rule: None,
        pool: Some(vec![0, 3, 0, 5, 1]),
        total_weight: Some("3".into()),
        draw: Some("1".into()),
        winner: Some(3),
        charges: None,
        revenue: None,
    };
    let meta = Meta::new(
        "uniform pool draw over holdings (0, 3, 0, 5, 1): empty holders weigh nothing, t = 21 seed",
        BLS_NONE,
    )
    .derived(
        "weights: every non-empty holding weighs 1, empty ones 0: (0, 1, 0, 1, 1), total = 3\n\
         n - 1 = 2 has 2 bits: length 1, mask 3\n\
         seed = sha256(0xe7030000 || uint64(21) || 32 zero bytes)\n\
         \x20    = 0xd9eb5349b88b8c0fb1fab72b249e026c7ebe4404da7ce65d0c69e7deb2b3c626\n\
         attempt 0 block begins 0x51 = 81, 81 & 3 = 1 < 3 -> r = 1\n\
         running sums 0, 1, 1, 2, 3: 1 < 0, 1 < 1, 1 < 1 fail; 1 < 2 holds -> position 3, builder 3 wins\n\
         (the pool's position is the builder index)",
    );
    write_sampling(
        ctx,
        AllocationRule::Uniform,
        "hand_pool_skips_empty_holders",
        meta,
        &data,
    )?;
    confirm(
        ctx,
        "sampling",
        sampling_handler_of(AllocationRule::Uniform),
        "hand_pool_skips_empty_holders",
    )
}

/// The pre-state of the hand-derived operations: a devnet genesis (24 validators, four
/// builders of 1,000,000 Gwei) advanced without blocks to slot 3.
fn base_state(config: ChainConfig) -> Result<BeaconState> {
    base_state_at(config, 3)
}

fn base_state_at(config: ChainConfig, slot: Slot) -> Result<BeaconState> {
    let chain = Chain::genesis(config, super::VALIDATORS, &super::BUILDER_BALANCES, false)?;
    chain.state_at(slot)
}

fn write_op(
    ctx: &mut Ctx,
    handler: &str,
    case: &str,
    meta: Meta,
    pre: &BeaconState,
    input: impl FnOnce(&CaseWriter) -> Result<()>,
    post: &BeaconState,
) -> Result<()> {
    let w = CaseWriter::create(&ctx.out, "operations", handler, case)?;
    w.yaml("meta", &meta)?;
    w.ssz("pre", pre)?;
    input(&w)?;
    w.ssz("post", post)?;
    ctx.count("operations", handler);
    confirm(ctx, "operations", handler, case)
}

fn unsigned_buy(message: BuyTickets) -> SignedBuyTickets {
    SignedBuyTickets {
        message,
        signature: BlsSignature::ZERO,
    }
}

fn unsigned_sell(message: SellTickets) -> SignedSellTickets {
    SignedSellTickets {
        message,
        signature: BlsSignature::ZERO,
    }
}

fn set_round(state: &mut BeaconState, slot: Slot, bids: Vec<TicketBid>) {
    let index = (slot % TICKET_ROUND_SLOTS as u64) as usize;
    state.ticket_rounds[index] = TicketRound {
        slot,
        bids: bids.try_into().unwrap_or_default(),
    };
}

fn operations(ctx: &mut Ctx) -> Result<()> {
    use AllocationRule::*;
    use PaymentDestination::*;
    use PaymentRule::*;
    use PricingRule::*;
    use TicketLifetime::*;

    // 1. A purchase that opens a bid between two others.
    {
        let mut pre = base_state(config(Proportional, AllPay, Round, Burn, Fixed))?;
        set_round(&mut pre, 10, vec![bid(0, 4, 4), bid(2, 6, 6)]);
        pre.builders[0].balance = 999_996;
        pre.builders[2].balance = 999_994;
        let op = unsigned_buy(BuyTickets {
            builder_index: 1,
            nonce: 0,
            target_slot: 10,
            tickets: 7,
            max_price: 1,
            rounds: 1,
        });
        let mut post = pre.clone();
        post.builders[1].balance = 999_993;
        post.builders[1].nonce = 1;
        set_round(
            &mut post,
            10,
            vec![bid(0, 4, 4), bid(1, 7, 7), bid(2, 6, 6)],
        );
        post.accounting.tickets_sold = 7;
        post.accounting.tickets_sold_in_slot = 7;
        let meta = Meta::new(
            "round purchase of 7 tickets at price 1 by builder 1 into the round for slot 10, which holds bids of builders 0 and 2",
            BLS_IGNORED,
        )
        .derived(
            "pre: slot 3, ticket_lookahead 4, round_window 8 -> window [3 + 4 + 1, 8 + 8 - 1] = [8, 15] contains 10\n\
             builder 1: balance 1000000, nonce 0; price 1 <= max_price 1; cost = 7 * 1 = 7 <= balance\n\
             round[10 % 64]: slot 10, bids (0, 4, 4), (2, 6, 6); builder 1 has no bid, 2 < 1024 bids\n\
             apply: balance 1000000 - 7 = 999993, nonce 1; new bid (1, 7, 7) inserted at position\n\
             \x20 len([b for b in bids if b.builder_index < 1]) = 1: bids (0, 4, 4), (1, 7, 7), (2, 6, 6)\n\
             tickets_sold 0 + 7 = 7, tickets_sold_in_slot 0 + 7 = 7; nothing else changes",
        );
        write_op(
            ctx,
            "buy_tickets",
            "hand_round_insert_between_bids",
            meta,
            &pre,
            |w| w.ssz("buy_tickets", &op),
            &post,
        )?;
    }
    // 2. An eip1559 purchase at price 3 that adds to the buyer's existing bid.
    {
        let mut pre = base_state(config(Proportional, AllPay, Round, Burn, Eip1559))?;
        pre.ticket_price = 3;
        set_round(&mut pre, 12, vec![bid(1, 5, 12)]);
        pre.builders[1].balance = 999_988;
        pre.builders[1].nonce = 3;
        pre.accounting.tickets_sold = 5;
        let op = unsigned_buy(BuyTickets {
            builder_index: 1,
            nonce: 3,
            target_slot: 12,
            tickets: 4,
            max_price: 3,
            rounds: 1,
        });
        let mut post = pre.clone();
        post.builders[1].balance = 999_976;
        post.builders[1].nonce = 4;
        set_round(&mut post, 12, vec![bid(1, 9, 24)]);
        post.accounting.tickets_sold = 9;
        post.accounting.tickets_sold_in_slot = 4;
        let meta = Meta::new(
            "eip1559 round purchase of 4 tickets at price 3 (max_price exactly 3) adding to the buyer's bid (5 tickets, paid 12)",
            BLS_IGNORED,
        )
        .derived(
            "pre: slot 3, ticket_price 3, builder 1 balance 999988, nonce 3; round for 12 holds (1, 5, 12)\n\
             nonce 3 == 3; tickets 4 > 0; price 3 <= max_price 3; cost = 4 * 3 = 12; 12 in window [8, 15]\n\
             balance 999988 >= 12; the bid exists: 5 + 4 and 12 + 12 fit in 64 bits\n\
             apply: balance 999988 - 12 = 999976, nonce 4, bid (1, 5 + 4, 12 + 12) = (1, 9, 24)\n\
             tickets_sold 5 + 4 = 9, tickets_sold_in_slot 0 + 4 = 4 (the price itself moves only at the next slot)",
        );
        write_op(
            ctx,
            "buy_tickets",
            "hand_round_eip1559_adds_to_bid",
            meta,
            &pre,
            |w| w.ssz("buy_tickets", &op),
            &post,
        )?;
    }
    // 3. A pool purchase under all-pay + burn: collected at once.
    {
        let pre = base_state(config(Uniform, AllPay, Pool, Burn, Fixed))?;
        let op = unsigned_buy(BuyTickets {
            builder_index: 2,
            nonce: 0,
            target_slot: 3,
            tickets: 25,
            max_price: u64::MAX,
            rounds: 1,
        });
        let mut post = pre.clone();
        post.builders[2].balance = 999_975;
        post.builders[2].nonce = 1;
        post.builders[2].pool_tickets = 25;
        post.builders[2].pool_paid = 25;
        post.accounting.total_burned = 25;
        post.slot_revenue[3] = 25;
        post.accounting.tickets_sold = 25;
        post.accounting.tickets_sold_in_slot = 25;
        let meta = Meta::new(
            "pool purchase of 25 tickets under all-pay and burn, expiring at the current slot (the earliest allowed)",
            BLS_IGNORED,
        )
        .derived(
            "pre: slot 3, pool lifetime: window [slot, slot + round_window] = [3, 11] contains target 3\n\
             builder 2 balance 1000000, price 1: cost 25; pool counters 0 + 25 fit\n\
             all-pay collects now: total_burned 0 + 25 and slot_revenue[3 % 64] 0 + 25 fit\n\
             apply: balance 999975, nonce 1, pool_tickets 25, pool_paid 25 (cost basis)\n\
             collect_payment(25): total_burned 25, slot_revenue[3] 25\n\
             tickets_sold 25, tickets_sold_in_slot 25",
        );
        write_op(
            ctx,
            "buy_tickets",
            "hand_pool_all_pay_burns_at_purchase",
            meta,
            &pre,
            |w| w.ssz("buy_tickets", &op),
            &post,
        )?;
    }
    // 4. Pool purchase under winner-pay + smooth spending the whole balance: escrow only.
    {
        let mut pre = base_state(config(WinnerTakeAll, WinnerPay, Pool, Smooth, Fixed))?;
        pre.builders[3].balance = 40;
        pre.builders[3].pool_tickets = 2;
        pre.builders[3].pool_paid = 2;
        let op = unsigned_buy(BuyTickets {
            builder_index: 3,
            nonce: 0,
            target_slot: 11,
            tickets: 40,
            max_price: 1,
            rounds: 1,
        });
        let mut post = pre.clone();
        post.builders[3].balance = 0;
        post.builders[3].nonce = 1;
        post.builders[3].pool_tickets = 42;
        post.builders[3].pool_paid = 42;
        post.accounting.tickets_sold = 40;
        post.accounting.tickets_sold_in_slot = 40;
        let meta = Meta::new(
            "pool purchase under winner-pay and smooth that spends the buyer's whole balance, expiring at the last allowed slot",
            BLS_IGNORED,
        )
        .derived(
            "pre: slot 3, window [3, 3 + 8] = [3, 11] contains 11; builder 3 balance 40, pool (2 tickets, paid 2)\n\
             cost 40 * 1 = 40 <= balance 40 (equality is enough)\n\
             winner-pay holds the cost in escrow (pool_paid); nothing is collected, so the smoothing pool\n\
             \x20 and slot_revenue are untouched\n\
             apply: balance 0, nonce 1, pool_tickets 2 + 40 = 42, pool_paid 2 + 40 = 42\n\
             tickets_sold 40, tickets_sold_in_slot 40",
        );
        write_op(
            ctx,
            "buy_tickets",
            "hand_pool_winner_pay_escrow_whole_balance",
            meta,
            &pre,
            |w| w.ssz("buy_tickets", &op),
            &post,
        )?;
    }
    // 5. Example 7: an all-pay sell-back capped at the cost share.
    {
        let mut pre = base_state(config(Proportional, AllPay, Pool, Burn, Eip1559))?;
        pre.config.sell_back = true;
        pre.ticket_price = 2;
        pre.builders[0].balance = 999_000;
        pre.builders[0].nonce = 1;
        pre.builders[0].pool_tickets = 999;
        pre.builders[0].pool_paid = 999;
        pre.accounting.total_burned = 1_000;
        let op = unsigned_sell(SellTickets {
            builder_index: 0,
            nonce: 1,
            tickets: 999,
            min_price: 1,
        });
        let mut post = pre.clone();
        post.builders[0].balance = 999_999;
        post.builders[0].nonce = 2;
        post.builders[0].pool_tickets = 0;
        post.builders[0].pool_paid = 0;
        post.accounting.total_sell_back_paid = 999;
        let meta = Meta::new(
            "allocation.md example 7: selling all 999 pooled tickets back at price 2 under all-pay pays their cost share 999, not 1998",
            BLS_IGNORED,
        )
        .derived(
            "pre: pool, all-pay, burn, sell_back; price 2; builder 0 holds 999 tickets with pool_paid 999,\n\
             \x20 balance 999000, nonce 1; total_burned 1000; tickets_sold_in_slot 0\n\
             sell_back_payout: share = cost_share(999, 999, 999) = 999 (tickets == held: all of pool_paid)\n\
             \x20 all-pay payout = min(999 * 2, 999) = 999; removed = 999\n\
             limit: 999 >= min_price 1 * 999 tickets = 999 (equality passes)\n\
             apply: balance 999000 + 999 = 999999, pool_tickets 0, pool_paid 999 - 999 = 0, nonce 2\n\
             total_sell_back_paid 0 + 999 = 999 (new issuance); total_burned unchanged\n\
             tickets_sold_in_slot = saturating_sub(0, 999) = 0",
        );
        write_op(
            ctx,
            "sell_tickets",
            "hand_all_pay_capped_at_cost",
            meta,
            &pre,
            |w| w.ssz("sell_tickets", &op),
            &post,
        )?;
    }
    // 6. Example 6, winner-pay: selling 2 of 3 tickets refunds their share of the escrow.
    {
        let mut pre = base_state(config(Proportional, WinnerPay, Pool, Burn, Fixed))?;
        pre.config.sell_back = true;
        pre.builders[3].balance = 999_990;
        pre.builders[3].pool_tickets = 3;
        pre.builders[3].pool_paid = 10;
        let op = unsigned_sell(SellTickets {
            builder_index: 3,
            nonce: 0,
            tickets: 2,
            min_price: 3,
        });
        let mut post = pre.clone();
        post.builders[3].balance = 999_996;
        post.builders[3].nonce = 1;
        post.builders[3].pool_tickets = 1;
        post.builders[3].pool_paid = 4;
        post.accounting.total_refunded = 6;
        let meta = Meta::new(
            "allocation.md example 6 (winner-pay): selling 2 of 3 pooled tickets with pool_paid 10 refunds 6 of the escrow",
            BLS_IGNORED,
        )
        .derived(
            "pre: pool, winner-pay, sell_back; builder 3 holds 3 tickets, pool_paid 10, balance 999990, nonce 0\n\
             share = cost_share(10, 3, 2) = 10 * 2 // 3 = 6 (2 < 3 held); winner-pay payout = share = 6\n\
             limit: 6 >= min_price 3 * 2 = 6 (equality passes)\n\
             apply: balance 999990 + 6 = 999996, pool_tickets 1, pool_paid 10 - 6 = 4, nonce 1\n\
             total_refunded 0 + 6 = 6; tickets_sold_in_slot saturating_sub(0, 2) = 0",
        );
        write_op(
            ctx,
            "sell_tickets",
            "hand_winner_pay_refunds_share",
            meta,
            &pre,
            |w| w.ssz("sell_tickets", &op),
            &post,
        )?;
    }
    // 7. Example 6, all-pay at price 2: the price is below the cost share.
    {
        let mut pre = base_state(config(Proportional, AllPay, Pool, Burn, Eip1559))?;
        pre.config.sell_back = true;
        pre.ticket_price = 2;
        pre.builders[1].balance = 999_990;
        pre.builders[1].pool_tickets = 3;
        pre.builders[1].pool_paid = 10;
        pre.accounting.total_burned = 10;
        pre.accounting.tickets_sold_in_slot = 5;
        let op = unsigned_sell(SellTickets {
            builder_index: 1,
            nonce: 0,
            tickets: 2,
            min_price: 2,
        });
        let mut post = pre.clone();
        post.builders[1].balance = 999_994;
        post.builders[1].nonce = 1;
        post.builders[1].pool_tickets = 1;
        post.builders[1].pool_paid = 4;
        post.accounting.total_sell_back_paid = 4;
        post.accounting.tickets_sold_in_slot = 3;
        let meta = Meta::new(
            "allocation.md example 6 (all-pay, price 2): the payout is the price, below the cost share; the rest stays burned",
            BLS_IGNORED,
        )
        .derived(
            "pre: pool, all-pay, burn, sell_back, price 2; builder 1 holds 3 tickets, pool_paid 10, balance 999990;\n\
             \x20 tickets_sold_in_slot 5\n\
             share = cost_share(10, 3, 2) = 10 * 2 // 3 = 6; payout = min(2 * 2, 6) = 4; removed = 6\n\
             limit: 4 >= min_price 2 * 2 = 4 (equality passes)\n\
             apply: balance 999990 + 4 = 999994, pool_tickets 1, pool_paid 10 - 6 = 4, nonce 1\n\
             total_sell_back_paid 0 + 4 = 4; tickets_sold_in_slot 5 - 2 = 3",
        );
        write_op(
            ctx,
            "sell_tickets",
            "hand_all_pay_below_cost",
            meta,
            &pre,
            |w| w.ssz("sell_tickets", &op),
            &post,
        )?;
    }
    // 8. A delivered payload credits the builder and the inflow total.
    {
        let mut pre = base_state(config(Proportional, AllPay, Round, Burn, Fixed))?;
        pre.builder_assignments[3] = BuilderAssignment {
            slot: 3,
            builder_index: 2,
            revenue: 9,
            payload_status: payload_status::PENDING,
            inflow: 0,
        };
        let body = BeaconBlockBody {
            execution_payload: vec![SignedExecutionPayload {
                message: ExecutionPayload {
                    slot: 3,
                    builder_index: 2,
                    value: 12_345,
                    transactions: Default::default(),
                },
                signature: BlsSignature::ZERO,
            }]
            .try_into()
            .unwrap_or_default(),
            ..Default::default()
        };
        let mut post = pre.clone();
        post.builders[2].balance = 1_012_345;
        post.accounting.total_execution_inflow = 12_345;
        post.accounting.delivered_payloads = 1;
        post.builder_assignments[3].payload_status = payload_status::DELIVERED;
        post.builder_assignments[3].inflow = 12_345;
        let meta = Meta::new(
            "the assigned builder's payload worth 12345 Gwei lands: its balance and the inflow total grow, the assignment is delivered",
            BLS_IGNORED,
        )
        .derived(
            "pre: slot 3; builder_assignments[3 % 64] = (slot 3, builder 2, revenue 9, PENDING, inflow 0)\n\
             get_assigned_builder(state, 3) = 2; the body carries one payload (slot 3, builder 2, value 12345)\n\
             slot 3 == 3; builder 2 == assigned; 12345 <= max_execution_inflow_per_slot 100000000000\n\
             apply: builder 2 balance 1000000 + 12345 = 1012345; total_execution_inflow 0 + 12345 = 12345\n\
             delivered_payloads 0 + 1 = 1; the entry: payload_status DELIVERED (2), inflow 12345",
        );
        write_op(
            ctx,
            "execution_payload",
            "hand_delivered_payload",
            meta,
            &pre,
            |w| w.ssz("body", &body),
            &post,
        )?;
    }
    Ok(())
}

/// Example 1 inside a state: the round for slot 8 closed at slot 4 with an all-zero mix.
fn builder_assignment(ctx: &mut Ctx) -> Result<()> {
    let mut pre = base_state_at(
        config(
            AllocationRule::Proportional,
            PaymentRule::WinnerPay,
            TicketLifetime::Round,
            PaymentDestination::Smooth,
            PricingRule::Fixed,
        ),
        4,
    )?;
    // Slot 4 as its block sees it after the RANDAO reveal, with the mix set to zero.
    pre.randao_mixes[0] = Bytes32::ZERO;
    set_round(&mut pre, 8, vec![bid(0, 2, 2), bid(1, 1, 1)]);
    pre.builders[0].balance = 999_998;
    pre.builders[1].balance = 999_999;
    let mut post = pre.clone();
    post.ticket_rounds[8] = TicketRound::default();
    post.builders[0].balance = 1_000_000;
    post.builders[1].slots_won = 1;
    post.accounting.total_refunded = 2;
    post.accounting.smoothing_pool = 1;
    post.slot_revenue[4] = 1;
    post.builder_assignments[8] = BuilderAssignment {
        slot: 8,
        builder_index: 1,
        revenue: 1,
        payload_status: payload_status::PENDING,
        inflow: 0,
    };
    let meta = Meta::new(
        "allocation.md example 1 inside a state: at slot 4 (lookahead 4) the round for slot 8 closes with an all-zero mix, proportional winner-pay, smooth",
        BLS_IGNORED,
    )
    .derived(
        "pre: slot 4, epoch 0, randao_mixes[0] = 0x00..00; round[8] = slot 8, bids (0, 2, 2), (1, 1, 1);\n\
         \x20 builder 0 balance 999998, builder 1 balance 999999\n\
         target = 4 + 4 = 8; seed = get_ticket_seed(state, 8) = sha256(0xe7030000 || uint64(8) || zero mix)\n\
         \x20 = 0xd1daa814...33a7: example 1 gives r = 2 -> builder 1 wins\n\
         winner-pay charges (0, 1): revenue 1; refunds: builder 0 gets 2 - 0 = 2 (balance 1000000),\n\
         \x20 builder 1 gets 1 - 1 = 0 (skipped); total_refunded 2\n\
         collect_payment(1) under smooth: smoothing_pool 0 + 1 = 1, slot_revenue[4 % 64] = 1\n\
         the round entry is cleared to TicketRound(); builder_assignments[8] = (8, 1, revenue 1, PENDING, 0)\n\
         the winner is a builder: builder 1's slots_won 0 + 1 = 1",
    );
    let w = CaseWriter::create(
        &ctx.out,
        "slot_processing",
        "builder_assignment",
        "hand_example_1_in_state",
    )?;
    w.yaml("meta", &meta)?;
    w.ssz("pre", &pre)?;
    w.ssz("post", &post)?;
    ctx.count("slot_processing", "builder_assignment");
    confirm(
        ctx,
        "slot_processing",
        "builder_assignment",
        "hand_example_1_in_state",
    )
}
