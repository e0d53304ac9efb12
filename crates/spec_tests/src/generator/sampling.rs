//! `sampling/<rule>`: round closes and pool draws for every allocation rule and both
//! payment rules.
//!
//! The expected values are computed by [`reference`], a line-by-line transcription of
//! the pseudo-code of `specs/allocation.md` (linear scans, the Newton root as written,
//! the SHA-256 stream read byte by byte), not by the mechanism crate, which uses a
//! Fenwick tree and 128-bit fast paths. The vectors therefore check the optimised code
//! against the spec's own definition.

use super::Ctx;
use crate::files::CaseWriter;
use crate::meta::{BLS_NONE, Meta};
use crate::rng::Rng;
use crate::run::sampling_handler_of;
use crate::schema::SamplingData;
use anyhow::Result;
use etn_types::{AllocationRule, Bytes32, PaymentRule, TicketBid};

pub mod reference {
    //! allocation.md, transcribed. Names and structure follow the spec's Python.

    use etn_types::{AllocationRule, PaymentRule, TicketBid};
    use num_bigint::BigUint;
    use sha2::{Digest, Sha256};

    pub fn integer_root(x: &BigUint, q: u32) -> BigUint {
        let one = BigUint::from(1u8);
        if q == 1 || *x <= one {
            return x.clone();
        }
        let mut y = &one << x.bits().div_ceil(u64::from(q));
        loop {
            let z = (BigUint::from(q - 1) * &y + x / y.pow(q - 1)) / q;
            if z >= y {
                return y;
            }
            y = z;
        }
    }

    pub fn tullock_weight(tickets: u64, p: u64, q: u64) -> BigUint {
        if tickets == 0 {
            return BigUint::default();
        }
        let power = BigUint::from(tickets).pow(p as u32);
        if q == 1 {
            return power;
        }
        integer_root(&(power << (64 * q)), q as u32)
    }

    pub fn ticket_weight(rule: AllocationRule, tickets: u64) -> BigUint {
        if tickets == 0 {
            return BigUint::default();
        }
        match rule {
            AllocationRule::Proportional => BigUint::from(tickets),
            AllocationRule::Uniform => BigUint::from(1u8),
            AllocationRule::Tullock {
                numerator,
                denominator,
            } => tullock_weight(tickets, numerator, denominator),
            _ => unreachable!("winner-take-all and second-price have no weights"),
        }
    }

    pub fn uniform_below(n: &BigUint, seed: &[u8; 32]) -> BigUint {
        let one = BigUint::from(1u8);
        if *n <= one {
            return BigUint::default();
        }
        let bits = (n - &one).bits();
        let length = bits.div_ceil(8) as usize;
        let mask = (&one << bits) - &one;
        let mut attempt = 0u64;
        loop {
            let mut stream = Vec::new();
            let mut j = 0u64;
            while stream.len() < length {
                let mut h = Sha256::new();
                h.update(seed);
                h.update(attempt.to_le_bytes());
                h.update(j.to_le_bytes());
                stream.extend_from_slice(&h.finalize());
                j += 1;
            }
            let candidate = BigUint::from_bytes_le(&stream[..length]) & &mask;
            if candidate < *n {
                return candidate;
            }
            attempt = attempt.wrapping_add(1);
        }
    }

    /// `select_by_weight`, also returning the total and the draw (None when total is 0).
    pub fn select_by_weight(
        weights: &[BigUint],
        seed: &[u8; 32],
    ) -> (BigUint, Option<BigUint>, Option<usize>) {
        let total: BigUint = weights.iter().sum();
        if total == BigUint::default() {
            return (total, None, None);
        }
        let r = uniform_below(&total, seed);
        let mut running = BigUint::default();
        for (position, weight) in weights.iter().enumerate() {
            running += weight;
            if r < running {
                return (total, Some(r), Some(position));
            }
        }
        unreachable!("r < total")
    }

    pub fn largest_holding(holdings: &[(u64, u64)], exclude: Option<usize>) -> Option<usize> {
        let mut best: Option<usize> = None;
        for (position, &(builder_index, tickets)) in holdings.iter().enumerate() {
            if Some(position) == exclude || tickets == 0 {
                continue;
            }
            let Some(b) = best else {
                best = Some(position);
                continue;
            };
            let (best_builder_index, best_tickets) = holdings[b];
            if tickets > best_tickets
                || (tickets == best_tickets && builder_index < best_builder_index)
            {
                best = Some(position);
            }
        }
        best
    }

    /// `select_winner` with the lottery's total and draw when there is one.
    pub fn select_winner(
        rule: AllocationRule,
        holdings: &[(u64, u64)],
        seed: &[u8; 32],
    ) -> (Option<BigUint>, Option<BigUint>, Option<usize>) {
        if matches!(
            rule,
            AllocationRule::WinnerTakeAll | AllocationRule::SecondPrice
        ) {
            return (None, None, largest_holding(holdings, None));
        }
        let weights: Vec<BigUint> = holdings
            .iter()
            .map(|(_, t)| ticket_weight(rule, *t))
            .collect();
        let (total, r, winner) = select_by_weight(&weights, seed);
        (Some(total), r, winner)
    }

    pub fn round_charges(
        rule: AllocationRule,
        payment_rule: PaymentRule,
        bids: &[TicketBid],
        winner: Option<usize>,
    ) -> Vec<u64> {
        let winner_charge = winner.map(|w| {
            let own = bids[w].paid;
            if rule == AllocationRule::SecondPrice {
                let holdings: Vec<(u64, u64)> =
                    bids.iter().map(|b| (b.builder_index, b.tickets)).collect();
                match largest_holding(&holdings, Some(w)) {
                    None => 0,
                    Some(r) => bids[r].paid.min(own),
                }
            } else {
                own
            }
        });
        bids.iter()
            .enumerate()
            .map(|(position, bid)| {
                if Some(position) == winner {
                    winner_charge.unwrap_or_default()
                } else if payment_rule == PaymentRule::AllPay {
                    bid.paid
                } else {
                    0
                }
            })
            .collect()
    }
}

/// Writes a round case with the reference outcome.
pub fn round_case(
    ctx: &mut Ctx,
    case: &str,
    description: &str,
    rule: AllocationRule,
    payment: PaymentRule,
    bids: Vec<TicketBid>,
    seed: [u8; 32],
) -> Result<()> {
    let holdings: Vec<(u64, u64)> = bids.iter().map(|b| (b.builder_index, b.tickets)).collect();
    let (total, draw, winner) = reference::select_winner(rule, &holdings, &seed);
    let charges = reference::round_charges(rule, payment, &bids, winner);
    let revenue = charges.iter().sum();
    let (code, num, den) = rule.encode();
    let data = SamplingData {
        allocation_rule: code,
        alpha_numerator: num,
        alpha_denominator: den,
        seed: Bytes32(seed),
        winner: winner.map(|w| bids[w].builder_index),
        bids: Some(bids),
        payment_rule: Some(payment.code()),
        pool: None,
        total_weight: total.map(|t| t.to_string()),
        draw: draw.map(|d| d.to_string()),
        charges: Some(charges),
        revenue: Some(revenue),
    };
    write(ctx, rule, case, Meta::new(description, BLS_NONE), &data)
}

/// Writes a pool-draw case with the reference outcome.
pub fn pool_case(
    ctx: &mut Ctx,
    case: &str,
    description: &str,
    rule: AllocationRule,
    pool: Vec<u64>,
    seed: [u8; 32],
) -> Result<()> {
    let holdings: Vec<(u64, u64)> = pool
        .iter()
        .enumerate()
        .map(|(i, t)| (i as u64, *t))
        .collect();
    let (total, draw, winner) = reference::select_winner(rule, &holdings, &seed);
    let (code, num, den) = rule.encode();
    let data = SamplingData {
        allocation_rule: code,
        alpha_numerator: num,
        alpha_denominator: den,
        seed: Bytes32(seed),
        bids: None,
        payment_rule: None,
        pool: Some(pool),
        total_weight: total.map(|t| t.to_string()),
        draw: draw.map(|d| d.to_string()),
        winner: winner.map(|w| w as u64),
        charges: None,
        revenue: None,
    };
    write(ctx, rule, case, Meta::new(description, BLS_NONE), &data)
}

pub fn write(
    ctx: &mut Ctx,
    rule: AllocationRule,
    case: &str,
    meta: Meta,
    data: &SamplingData,
) -> Result<()> {
    let handler = sampling_handler_of(rule);
    let w = CaseWriter::create(&ctx.out, "sampling", handler, case)?;
    w.yaml("meta", &meta)?;
    w.yaml("data", data)?;
    ctx.count("sampling", handler);
    Ok(())
}

fn bids(list: &[(u64, u64, u64)]) -> Vec<TicketBid> {
    list.iter()
        .map(|&(builder_index, tickets, paid)| TicketBid {
            builder_index,
            tickets,
            paid,
        })
        .collect()
}

/// Bids of `n` builders with random indices (increasing) and ticket counts up to `max`,
/// paid at a price of one.
fn random_bids(rng: &mut Rng, n: u64, max: u64) -> Vec<TicketBid> {
    let mut index = 0;
    (0..n)
        .map(|_| {
            index += 1 + rng.below(3);
            let tickets = 1 + rng.below(max);
            TicketBid {
                builder_index: index,
                tickets,
                paid: tickets,
            }
        })
        .collect()
}

pub fn generate(ctx: &mut Ctx) -> Result<()> {
    let mut rng = Rng::new(0x5a3_91e);
    let tullock = |numerator, denominator| AllocationRule::Tullock {
        numerator,
        denominator,
    };
    let lotteries = [
        ("proportional", AllocationRule::Proportional),
        ("uniform", AllocationRule::Uniform),
        ("alpha_2", tullock(2, 1)),
        ("alpha_1_2", tullock(1, 2)),
        ("alpha_3_2", tullock(3, 2)),
        ("alpha_6_5", tullock(6, 5)),
        ("alpha_1", tullock(1, 1)),
        ("alpha_0", tullock(0, 1)),
        ("alpha_8", tullock(8, 1)),
        ("alpha_1_16", tullock(1, 16)),
        ("alpha_129_16", tullock(127, 16)),
    ];
    let payments = [
        ("all_pay", PaymentRule::AllPay),
        ("winner_pay", PaymentRule::WinnerPay),
    ];

    for (name, rule) in lotteries {
        // Rounds of growing size, under both payment rules.
        for n in [1u64, 2, 3, 5, 8] {
            for (pname, payment) in payments {
                let seed = rng.bytes();
                let list = random_bids(&mut rng, n, 20);
                round_case(
                    ctx,
                    &format!("{name}_round_{n}_bids_{pname}"),
                    &format!(
                        "{rule} round of {n} bids, {payment}: winner from the seed, charges by the payment rule"
                    ),
                    rule,
                    payment,
                    list,
                    seed,
                )?;
            }
        }
        // Pools with empty holdings in between (they never win), and an empty pool.
        for n in [1u64, 4, 9] {
            let seed = rng.bytes();
            let pool: Vec<u64> = (0..n)
                .map(|i| if i % 3 == 1 { 0 } else { rng.below(50) + 1 })
                .collect();
            pool_case(
                ctx,
                &format!("{name}_pool_{n}_holders"),
                &format!("{rule} pool draw over {n} holders, some of them empty"),
                rule,
                pool,
                seed,
            )?;
        }
        pool_case(
            ctx,
            &format!("{name}_pool_empty"),
            &format!("{rule} draw from a pool where nobody holds a ticket: no winner, no hashing"),
            rule,
            vec![0, 0, 0],
            rng.bytes(),
        )?;
        // Huge holdings: totals beyond 64 and 128 bits, candidates spanning several
        // SHA-256 blocks under large alphas.
        let seed = rng.bytes();
        round_case(
            ctx,
            &format!("{name}_round_huge_bids"),
            &format!("{rule} round with ticket counts near 2**64: wide totals and long candidates"),
            rule,
            PaymentRule::AllPay,
            bids(&[(0, u64::MAX, 3), (3, u64::MAX - 1, 1), (4, 1 << 40, 7)]),
            seed,
        )?;
    }

    // Seeds chosen to exercise the rejection loop: many seeds, a total just above a power
    // of two (about half of all candidates are rejected).
    for i in 0..6 {
        let seed = rng.bytes();
        round_case(
            ctx,
            &format!("proportional_rejection_{i}"),
            "proportional round whose total (257) is just above a power of two, so about half of the candidates are rejected",
            AllocationRule::Proportional,
            PaymentRule::AllPay,
            bids(&[(0, 128, 128), (1, 128, 128), (2, 1, 1)]),
            seed,
        )?;
    }
    // A total that is a power of two: no candidate is ever rejected.
    round_case(
        ctx,
        "proportional_power_of_two_total",
        "proportional round with total 256: every candidate is accepted",
        AllocationRule::Proportional,
        PaymentRule::WinnerPay,
        bids(&[(0, 100, 100), (2, 156, 156)]),
        rng.bytes(),
    )?;
    // A total of 2**64 exactly and of 2**64 + 1 (the 8- and 9-byte candidate lengths).
    for (case, list) in [
        (
            "proportional_total_2_pow_64",
            bids(&[(0, 1 << 63, 1), (1, 1 << 63, 1)]),
        ),
        (
            "proportional_total_2_pow_64_plus_1",
            bids(&[(0, 1 << 63, 1), (1, 1 << 63, 1), (5, 1, 1)]),
        ),
    ] {
        round_case(
            ctx,
            case,
            "proportional round whose total sits at the 64-bit boundary of the candidate length",
            AllocationRule::Proportional,
            PaymentRule::AllPay,
            list,
            rng.bytes(),
        )?;
    }

    // A chain without builders: the pool is the empty list (no holder at all, not just
    // empty holdings). The seed is never read.
    for (name, rule) in lotteries {
        pool_case(
            ctx,
            &format!("{name}_pool_no_builders"),
            &format!("{rule} draw from the pool of a chain without builders: no winner"),
            rule,
            Vec::new(),
            [0x5e; 32],
        )?;
    }

    // Largest-holding rules.
    for (name, rule) in [
        ("winner_take_all", AllocationRule::WinnerTakeAll),
        ("second_price", AllocationRule::SecondPrice),
    ] {
        let shapes: [(&str, &str, Vec<TicketBid>); 7] = [
            ("lone_bid", "a single bid", bids(&[(3, 4, 4)])),
            (
                "clear_winner",
                "one bid larger than the rest",
                bids(&[(0, 4, 4), (1, 10, 10), (2, 6, 6)]),
            ),
            (
                "tie_to_lower_index",
                "two largest bids tie: the lower builder index wins",
                bids(&[(2, 5, 5), (5, 9, 9), (7, 9, 12), (9, 3, 3)]),
            ),
            (
                "tie_first_position",
                "the tie is at the first position",
                bids(&[(1, 8, 8), (4, 8, 8), (6, 2, 2)]),
            ),
            (
                "last_is_largest",
                "the largest bid is the last one",
                bids(&[(0, 1, 1), (1, 2, 2), (2, 3, 3)]),
            ),
            (
                "runner_up_paid_more",
                "the runner-up holds fewer tickets but paid more Gwei (eip1559): the winner's charge is capped at its own payment",
                bids(&[(0, 10, 10), (1, 9, 30)]),
            ),
            (
                "runner_up_tie",
                "runner-up candidates tie: the lower index is the runner-up",
                bids(&[(0, 2, 2), (1, 7, 7), (2, 2, 5), (3, 1, 1)]),
            ),
        ];
        for (shape, what, list) in shapes {
            for (pname, payment) in payments {
                round_case(
                    ctx,
                    &format!("{name}_{shape}_{pname}"),
                    &format!("{rule}, {payment}: {what}"),
                    rule,
                    payment,
                    list.clone(),
                    rng.bytes(),
                )?;
            }
        }
        for (shape, what, pool) in [
            (
                "pool_largest",
                "the largest pool holding is drawn",
                vec![3u64, 0, 9, 9, 1],
            ),
            ("pool_empty", "an empty pool: no winner", vec![0, 0]),
            ("pool_single", "one holder", vec![0, 0, 0, 1]),
        ] {
            pool_case(
                ctx,
                &format!("{name}_{shape}"),
                &format!("{rule}: {what}"),
                rule,
                pool,
                rng.bytes(),
            )?;
        }
    }
    Ok(())
}
