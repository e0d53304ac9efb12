//! `slot_processing/builder_assignment`: the round close (round lifetime) or pool draw
//! (pool lifetime) that decides slot `state.slot + ticket_lookahead`, for every
//! allocation rule, payment rule and destination, with every overflow it can meet.
//! `slot_processing/ticket_slot`: settling the previous slot's payload and repricing.

use super::Ctx;
use crate::chain::{Chain, config};
use crate::meta::{BLS_IGNORED, Meta};
use crate::rng::Rng;
use anyhow::Result;
use etn_state::slot::{process_builder_assignment, process_ticket_slot};
use etn_state::validity::check_state_shape;
use etn_types::*;

fn write(
    ctx: &mut Ctx,
    handler: &str,
    name: &str,
    description: &str,
    pre: &BeaconState,
    expect: Option<&str>,
) -> Result<()> {
    let mut post = pre.clone();
    let result = check_state_shape(pre).and_then(|mechanism| match handler {
        "builder_assignment" => process_builder_assignment(&mut post, &mechanism),
        _ => process_ticket_slot(&mut post, &mechanism),
    });
    ctx.state_case(
        "slot_processing",
        handler,
        name,
        Meta::new(description, BLS_IGNORED),
        pre,
        |_| Ok(()),
        (result, post),
        expect,
    )
}

/// A devnet genesis with `config` advanced to slot 4 (the slot whose decision is for
/// slot 8), its epoch-0 mix replaced by `mix`.
fn at_slot_4(config: ChainConfig, mix: [u8; 32]) -> Result<BeaconState> {
    let chain = Chain::genesis(config, super::VALIDATORS, &super::BUILDER_BALANCES, false)?;
    let mut state = chain.state_at(4)?;
    state.randao_mixes[0] = Bytes32(mix);
    Ok(state)
}

fn set_bids(state: &mut BeaconState, target: Slot, bids: &[(u64, u64, u64)]) {
    let list: Vec<TicketBid> = bids
        .iter()
        .map(|&(builder_index, tickets, paid)| TicketBid {
            builder_index,
            tickets,
            paid,
        })
        .collect();
    state.ticket_rounds[(target % TICKET_ROUND_SLOTS as u64) as usize] = TicketRound {
        slot: target,
        bids: list.try_into().unwrap_or_default(),
    };
    // Keep the accounting identity: the escrow came out of the bidders' balances.
    for &(b, _, paid) in bids {
        let builder = &mut state.builders[b as usize];
        builder.balance = builder.balance.saturating_sub(paid);
    }
}

fn set_pool(state: &mut BeaconState, holdings: &[(u64, u64)]) {
    for (i, &(tickets, paid)) in holdings.iter().enumerate() {
        state.builders[i].pool_tickets = tickets;
        state.builders[i].pool_paid = paid;
    }
}

pub fn generate(ctx: &mut Ctx) -> Result<()> {
    builder_assignment(ctx)?;
    ticket_slot(ctx)?;
    Ok(())
}

fn builder_assignment(ctx: &mut Ctx) -> Result<()> {
    const H: &str = "builder_assignment";
    let mut rng = Rng::new(0x00a5_519e);
    let tullock = |numerator, denominator| AllocationRule::Tullock {
        numerator,
        denominator,
    };
    let rules = [
        ("proportional", AllocationRule::Proportional),
        ("uniform", AllocationRule::Uniform),
        ("tullock_2", tullock(2, 1)),
        ("tullock_1_2", tullock(1, 2)),
        ("tullock_3_2", tullock(3, 2)),
        ("winner_take_all", AllocationRule::WinnerTakeAll),
        ("second_price", AllocationRule::SecondPrice),
    ];
    let mechanisms = [
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
    ];
    // Bids in which the second-price runner-up paid more than the winner (eip1559
    // purchases at different prices), so every charge rule gives a different number.
    let bids = [(0u64, 5u64, 5u64), (1, 3, 9), (3, 5, 6)];
    for (rname, rule) in rules {
        for (mname, payment, destination) in mechanisms {
            for draw in 0..2 {
                let cfg = config(
                    rule,
                    payment,
                    TicketLifetime::Round,
                    destination,
                    PricingRule::Eip1559,
                );
                let mut s = at_slot_4(cfg, rng.bytes())?;
                set_bids(&mut s, 8, &bids);
                write(
                    ctx,
                    H,
                    &format!("round_{rname}_{mname}_{draw}"),
                    &format!(
                        "the round for slot 8 closes at slot 4: {rule}, {payment}, {destination}"
                    ),
                    &s,
                    None,
                )?;
            }
            let cfg = config(
                rule,
                payment,
                TicketLifetime::Pool,
                destination,
                PricingRule::Fixed,
            );
            let mut s = at_slot_4(cfg, rng.bytes())?;
            set_pool(&mut s, &[(3, 10), (0, 0), (7, 7), (1, 5)]);
            write(
                ctx,
                H,
                &format!("pool_{rname}_{mname}"),
                &format!(
                    "one ticket is drawn for slot 8 from the pool: {rule}, {payment}, {destination}"
                ),
                &s,
                None,
            )?;
        }
    }
    let base = || {
        config(
            AllocationRule::Proportional,
            PaymentRule::WinnerPay,
            TicketLifetime::Round,
            PaymentDestination::Burn,
            PricingRule::Fixed,
        )
    };
    // Rounds without a winner.
    let s = at_slot_4(base(), rng.bytes())?;
    write(
        ctx,
        H,
        "round_empty",
        "nobody bid for slot 8: it gets no builder",
        &s,
        None,
    )?;
    let mut s = at_slot_4(base(), rng.bytes())?;
    set_bids(&mut s, 72, &[(1, 2, 2)]);
    write(
        ctx,
        H,
        "round_entry_for_later_slot",
        "the ring entry of slot 8 holds bids for slot 72: slot 8 gets no builder and the entry stays",
        &s,
        None,
    )?;
    // A lone second-price bidder pays nothing; the last ticket of a pool takes the rest.
    let sp = config(
        AllocationRule::SecondPrice,
        PaymentRule::WinnerPay,
        TicketLifetime::Round,
        PaymentDestination::Burn,
        PricingRule::Fixed,
    );
    let mut s = at_slot_4(sp, rng.bytes())?;
    set_bids(&mut s, 8, &[(2, 4, 4)]);
    write(
        ctx,
        H,
        "second_price_lone_bidder",
        "a lone second-price bidder is charged 0 and refunded in full",
        &s,
        None,
    )?;
    let pool = config(
        AllocationRule::WinnerTakeAll,
        PaymentRule::WinnerPay,
        TicketLifetime::Pool,
        PaymentDestination::Burn,
        PricingRule::Fixed,
    );
    let mut s = at_slot_4(pool.clone(), rng.bytes())?;
    set_pool(&mut s, &[(0, 0), (1, 7), (0, 0), (0, 0)]);
    write(
        ctx,
        H,
        "pool_last_ticket_takes_rest",
        "the holder's last ticket takes all of pool_paid (7)",
        &s,
        None,
    )?;
    let mut s = at_slot_4(pool.clone(), rng.bytes())?;
    set_pool(&mut s, &[(4, 10), (0, 0), (0, 0), (0, 0)]);
    write(
        ctx,
        H,
        "pool_share_rounds_down",
        "4 tickets with pool_paid 10: the drawn one takes 10 // 4 = 2",
        &s,
        None,
    )?;
    let s = at_slot_4(pool.clone(), rng.bytes())?;
    write(
        ctx,
        H,
        "pool_empty",
        "nobody holds a ticket: slot 8 gets no builder",
        &s,
        None,
    )?;
    // Overflows.
    let mut s = at_slot_4(base(), rng.bytes())?;
    set_bids(&mut s, 8, &[(0, 5, 5), (1, 3, 3)]);
    let mut t = s.clone();
    t.builders[0].balance = u64::MAX - 1;
    t.builders[1].balance = u64::MAX - 1;
    write(
        ctx,
        H,
        "refund_balance_overflow",
        "the loser's refund would push its balance past 2**64 - 1",
        &t,
        Some("Overflow"),
    )?;
    let mut t = s.clone();
    t.accounting.total_refunded = u64::MAX - 1;
    write(
        ctx,
        H,
        "refund_total_overflow",
        "total_refunded cannot take the loser's refund",
        &t,
        Some("Overflow"),
    )?;
    let mut t = s.clone();
    t.accounting.total_burned = u64::MAX - 1;
    write(
        ctx,
        H,
        "burn_total_overflow",
        "total_burned cannot take the winner's charge",
        &t,
        Some("Overflow"),
    )?;
    let mut t = s.clone();
    t.slot_revenue[4] = u64::MAX - 1;
    write(
        ctx,
        H,
        "slot_revenue_overflow",
        "the slot's revenue bucket cannot take the winner's charge",
        &t,
        Some("Overflow"),
    )?;
    let smooth = config(
        AllocationRule::Proportional,
        PaymentRule::AllPay,
        TicketLifetime::Round,
        PaymentDestination::Smooth,
        PricingRule::Fixed,
    );
    let mut s = at_slot_4(smooth.clone(), rng.bytes())?;
    set_bids(&mut s, 8, &[(0, 5, 5), (1, 3, 3)]);
    s.accounting.smoothing_pool = u64::MAX - 3;
    write(
        ctx,
        H,
        "smoothing_pool_overflow",
        "the smoothing pool cannot take the round's revenue",
        &s,
        Some("Overflow"),
    )?;
    let mut s = at_slot_4(smooth, rng.bytes())?;
    set_bids(&mut s, 8, &[(0, 5, u64::MAX - 2), (1, 3, 3)]);
    write(
        ctx,
        H,
        "round_revenue_overflow",
        "all-pay charges summing past 2**64 - 1 (a state no chain reaches)",
        &s,
        Some("Mechanism(Overflow)"),
    )?;
    let mut s = at_slot_4(pool.clone(), rng.bytes())?;
    set_pool(&mut s, &[(2, 10), (0, 0), (0, 0), (0, 0)]);
    s.accounting.total_burned = u64::MAX - 1;
    write(
        ctx,
        H,
        "pool_charge_overflow",
        "winner-pay: total_burned cannot take the drawn ticket's charge",
        &s,
        Some("Overflow"),
    )?;
    let all_pay_pool = config(
        AllocationRule::Proportional,
        PaymentRule::AllPay,
        TicketLifetime::Pool,
        PaymentDestination::Burn,
        PricingRule::Fixed,
    );
    let mut s = at_slot_4(all_pay_pool, rng.bytes())?;
    set_pool(&mut s, &[(2, 10), (0, 0), (0, 0), (0, 0)]);
    s.accounting.total_burned = u64::MAX;
    s.slot_revenue[4] = u64::MAX;
    write(
        ctx,
        H,
        "pool_all_pay_collects_nothing",
        "all-pay: the draw charges 0, so full totals do not matter",
        &s,
        None,
    )?;
    let mut s = at_slot_4(base(), rng.bytes())?;
    s.slot = u64::MAX - 2;
    write(
        ctx,
        H,
        "target_slot_overflow",
        "slot + ticket_lookahead exceeds 2**64 - 1",
        &s,
        Some("Overflow"),
    )?;
    // Lookahead at its maximum: the decision overwrites the entry of the previous slot.
    let mut long = base();
    long.ticket_lookahead = 63;
    long.round_window = 1;
    let mut s = at_slot_4(long, rng.bytes())?;
    set_bids(&mut s, 67, &[(2, 1, 1), (3, 2, 2)]);
    write(
        ctx,
        H,
        "lookahead_63",
        "ticket_lookahead 63: slot 4 decides slot 67, whose ring entry is slot 3's",
        &s,
        None,
    )?;
    Ok(())
}

fn ticket_slot(ctx: &mut Ctx) -> Result<()> {
    const H: &str = "ticket_slot";
    let mut eip = config(
        AllocationRule::Proportional,
        PaymentRule::AllPay,
        TicketLifetime::Round,
        PaymentDestination::Burn,
        PricingRule::Eip1559,
    );
    // allocation.md example 5: base 10, target 100, quotient 8.
    eip.base_ticket_price = 10;
    eip.target_tickets_per_slot = 100;
    eip.price_adjustment_quotient = 8;
    let chain = Chain::genesis(
        eip.clone(),
        super::VALIDATORS,
        &super::BUILDER_BALANCES,
        false,
    )?;
    let base = chain.state_at(5)?;
    for (name, price, sold, what) in [
        (
            "eip1559_above_target",
            1000u64,
            150u64,
            "150 sold at price 1000: 1062",
        ),
        (
            "eip1559_excess_capped",
            1000,
            250,
            "250 sold: the excess counts up to the target, 1125",
        ),
        (
            "eip1559_twice_target",
            1000,
            200,
            "200 sold: 1125, the largest step",
        ),
        ("eip1559_burst", 1000, 1_000_000, "1000000 sold: still 1125"),
        ("eip1559_below_target", 1000, 40, "40 sold: 925"),
        ("eip1559_at_target", 1000, 100, "100 sold: unchanged"),
        (
            "eip1559_one_above_target",
            1000,
            101,
            "101 sold: 1000 + 1000 * 1 // 100 // 8 = 1001",
        ),
        ("eip1559_nothing_sold", 1000, 0, "nothing sold: 875"),
        (
            "eip1559_floor",
            10,
            0,
            "price 10, nothing sold: 9, floored at the base 10",
        ),
        (
            "eip1559_min_step",
            10,
            101,
            "price 10, 101 sold: the step rounds to 0 and is raised to 1",
        ),
        (
            "eip1559_saturates",
            u64::MAX - 1,
            1_000_000,
            "a price near 2**64 saturates at 2**64 - 1",
        ),
        (
            "eip1559_max_price_falls",
            u64::MAX,
            0,
            "price 2**64 - 1, nothing sold: falls by an eighth, computed in 128 bits",
        ),
    ] {
        let mut s = base.clone();
        s.ticket_price = price;
        s.accounting.tickets_sold_in_slot = sold;
        write(
            ctx,
            H,
            name,
            &format!(
                "allocation.md example 5 parameters (base 10, target 100, quotient 8): {what}"
            ),
            &s,
            None,
        )?;
    }
    let mut minimal = eip.clone();
    minimal.base_ticket_price = 1;
    minimal.target_tickets_per_slot = 1_000_000;
    let chain = Chain::genesis(minimal, super::VALIDATORS, &super::BUILDER_BALANCES, false)?;
    let mut s = chain.state_at(5)?;
    s.ticket_price = 1;
    s.accounting.tickets_sold_in_slot = 3_000_000;
    write(
        ctx,
        H,
        "eip1559_plus_one_minimum",
        "minimal values: price 1 and 3000000 sold give 2 (the +1 minimum)",
        &s,
        None,
    )?;
    let fixed = Chain::genesis(
        ChainConfig::minimal(),
        super::VALIDATORS,
        &super::BUILDER_BALANCES,
        false,
    )?;
    let mut s = fixed.state_at(5)?;
    s.ticket_price = 5;
    s.accounting.tickets_sold_in_slot = 7;
    s.slot_revenue[5] = 11;
    write(
        ctx,
        H,
        "fixed_price",
        "fixed pricing: the price is the base price; the slot's counters are reset",
        &s,
        None,
    )?;
    // Settling the previous slot's assignment.
    for (name, status, what) in [
        (
            "pending_is_missed",
            payload_status::PENDING,
            "the builder of slot 4 delivered nothing: missed",
        ),
        (
            "delivered_stays",
            payload_status::DELIVERED,
            "a delivered slot stays delivered",
        ),
        (
            "unassigned_stays",
            payload_status::UNASSIGNED,
            "an unassigned slot stays unassigned",
        ),
    ] {
        let mut s = fixed.state_at(5)?;
        s.builder_assignments[4] = BuilderAssignment {
            slot: 4,
            builder_index: if status == payload_status::UNASSIGNED {
                NO_BUILDER
            } else {
                2
            },
            revenue: 3,
            payload_status: status,
            inflow: 0,
        };
        write(ctx, H, name, what, &s, None)?;
    }
    let mut s = fixed.state_at(5)?;
    s.builder_assignments[4] = BuilderAssignment {
        slot: 68,
        builder_index: 2,
        revenue: 3,
        payload_status: payload_status::PENDING,
        inflow: 0,
    };
    write(
        ctx,
        H,
        "stale_entry_stays",
        "the ring entry of slot 4 belongs to slot 68: not settled",
        &s,
        None,
    )?;
    let mut s = fixed.state_at(5)?;
    s.builder_assignments[4] = BuilderAssignment {
        slot: 4,
        builder_index: 2,
        revenue: 3,
        payload_status: payload_status::PENDING,
        inflow: 0,
    };
    s.accounting.missed_payloads = u64::MAX;
    write(
        ctx,
        H,
        "missed_counter_saturates",
        "missed_payloads saturates at 2**64 - 1",
        &s,
        None,
    )?;
    let mut s = fixed.state_at(5)?;
    s.slot = 0;
    s.builder_assignments[63] = BuilderAssignment {
        slot: 63,
        builder_index: 1,
        revenue: 0,
        payload_status: payload_status::PENDING,
        inflow: 0,
    };
    write(
        ctx,
        H,
        "slot_zero_settles_nothing",
        "at slot 0 there is no previous slot to settle",
        &s,
        None,
    )?;
    Ok(())
}
