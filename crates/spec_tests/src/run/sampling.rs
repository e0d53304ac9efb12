//! `sampling/<rule>/<case>/data.yaml`: a seed and holdings in, the weights' total, the
//! uniform draw, the winner (and for a round, every bid's charge) out. Run against the
//! mechanism crate's consensus half, which the state transition calls for every round
//! close and pool draw.

use crate::files::CaseReader;
use crate::meta::{BLS_NONE, Meta};
use crate::schema::SamplingData;
use anyhow::{Context, Result, anyhow, bail};
use etn_mechanism::consensus::sampling::{uniform_below_big, uniform_below_u128};
use etn_mechanism::consensus::weight_index::{IndexWeight, WeightIndex, select_by_linear_scan};
use etn_mechanism::consensus::{close_round, draw_from_pool, ticket_weight};
use etn_types::{AllocationRule, PaymentRule};
use num_bigint::BigUint;

pub const HANDLERS: &[&str] = &[
    "proportional",
    "tullock",
    "winner_take_all",
    "second_price",
    "uniform",
];

/// The handler directory of an allocation rule.
pub fn handler_of(rule: AllocationRule) -> &'static str {
    match rule {
        AllocationRule::Proportional => "proportional",
        AllocationRule::Tullock { .. } => "tullock",
        AllocationRule::WinnerTakeAll => "winner_take_all",
        AllocationRule::SecondPrice => "second_price",
        AllocationRule::Uniform => "uniform",
    }
}

pub fn run(case: &CaseReader, meta: &Meta) -> Result<()> {
    if meta.bls_setting != BLS_NONE {
        bail!("sampling cases involve no signatures (bls_setting must be 0)");
    }
    let data: SamplingData = case.yaml("data")?;
    let rule = AllocationRule::decode(
        data.allocation_rule,
        data.alpha_numerator,
        data.alpha_denominator,
    )
    .map_err(|e| anyhow!("invalid rule: {e}"))?;
    let handler = case
        .dir()
        .parent()
        .and_then(|p| p.file_name())
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    if handler != handler_of(rule) {
        bail!("a {rule} case filed under {handler}");
    }
    let seed = data.seed.0;
    let tickets: Vec<u64> = match (&data.bids, &data.pool) {
        (Some(bids), None) => bids.iter().map(|b| b.tickets).collect(),
        (None, Some(pool)) => pool.clone(),
        _ => bail!("a case has either `bids` or `pool`"),
    };

    // The weights and the draw, for the lottery rules.
    let lottery = !matches!(
        rule,
        AllocationRule::WinnerTakeAll | AllocationRule::SecondPrice
    );
    let mut alternatives = None;
    if lottery {
        let mut weights: Vec<BigUint> = Vec::with_capacity(tickets.len());
        for t in &tickets {
            let weight = ticket_weight(rule, *t)
                .ok_or_else(|| anyhow!("{rule} gives no weight to a holding"))?;
            // allocation.md: zero tickets weigh zero, any other holding at least 1.
            if weight.is_zero() != (*t == 0) {
                bail!("a holding of {t} tickets has weight {:?}", weight);
            }
            weights.push(weight.to_big());
        }
        let total: BigUint = weights.iter().sum();
        expect_decimal("total_weight", &data.total_weight, &total)?;
        let draw = if total == BigUint::default() {
            // Nothing to draw: no hashing, no draw.
            if data.draw.is_some() {
                bail!("a zero total has no draw");
            }
            BigUint::default()
        } else {
            let draw = uniform_below_big(&total, &seed);
            expect_decimal("draw", &data.draw, &draw)?;
            draw
        };
        if let Ok(small) = u128::try_from(&total) {
            let fast = uniform_below_u128(small, &seed);
            if BigUint::from(fast) != draw {
                bail!("the 128-bit draw {fast} differs from the big-integer draw {draw}");
            }
        }
        alternatives = Some((weights, total, draw));
    } else if data.total_weight.is_some() || data.draw.is_some() {
        bail!("{rule} draws nothing: total_weight and draw must be absent");
    }

    match (&data.bids, &data.pool) {
        (Some(bids), None) => {
            let payment = PaymentRule::from_code(
                data.payment_rule
                    .ok_or_else(|| anyhow!("a round needs payment_rule"))?,
            )
            .map_err(|e| anyhow!("{e}"))?;
            let outcome =
                close_round(rule, payment, bids, &seed).map_err(|e| anyhow!("close_round: {e}"))?;
            let winner = outcome.winner.map(|w| bids[w].builder_index);
            if winner != data.winner {
                bail!("winner is {winner:?}, expected {:?}", data.winner);
            }
            let expected = data
                .charges
                .as_ref()
                .ok_or_else(|| anyhow!("a round needs charges"))?;
            if outcome.charges != *expected {
                bail!("charges are {:?}, expected {expected:?}", outcome.charges);
            }
            let revenue = outcome.revenue().map_err(|e| anyhow!("revenue: {e}"))?;
            if Some(revenue) != data.revenue {
                bail!("revenue is {revenue}, expected {:?}", data.revenue);
            }
        }
        (None, Some(pool)) => {
            if data.payment_rule.is_some() || data.charges.is_some() || data.revenue.is_some() {
                bail!("a pool draw has no payment_rule, charges or revenue");
            }
            let winner = draw_from_pool(rule, pool, &seed)
                .map_err(|e| anyhow!("draw_from_pool: {e}"))?
                .map(|w| w as u64);
            if winner != data.winner {
                bail!("winner is {winner:?}, expected {:?}", data.winner);
            }
        }
        _ => unreachable!("checked above"),
    }
    // The winner is right; the other exact draws must find it too.
    if let Some((weights, total, draw)) = alternatives {
        let position = expected_position(&data)?;
        other_exact_draws(&weights, &total, &draw, &seed, position)?;
        if let Ok(small) = u128::try_from(&total) {
            let weights = weights
                .iter()
                .map(u128::try_from)
                .collect::<Result<Vec<u128>, _>>()?;
            let draw = u128::try_from(&draw)?;
            other_exact_draws(&weights, &small, &draw, &seed, position)
                .context("128-bit weights")?;
        }
    }
    Ok(())
}

fn expect_decimal(what: &str, expected: &Option<String>, got: &BigUint) -> Result<()> {
    let expected = expected
        .as_ref()
        .ok_or_else(|| anyhow!("a lottery case needs {what}"))?;
    if *expected != got.to_string() {
        bail!("{what} is {got}, expected {expected}");
    }
    Ok(())
}

/// The position the case's winner holds in the scanned sequence: its bid's position in a
/// round, its builder index in a pool. Read from the case, not computed.
fn expected_position(data: &SamplingData) -> Result<Option<usize>> {
    let Some(winner) = data.winner else {
        return Ok(None);
    };
    match (&data.bids, &data.pool) {
        (Some(bids), _) => bids
            .iter()
            .position(|b| b.builder_index == winner)
            .map(Some)
            .ok_or_else(|| anyhow!("the winner {winner} has no bid")),
        _ => Ok(Some(usize::try_from(winner)?)),
    }
}

/// allocation.md allows any exact method for the weighted draw. Besides the tree built in
/// one go (what `close_round` and `draw_from_pool` use), the mechanism crate offers the
/// spec's linear scan and a `WeightIndex` updated weight by weight; both must land on the
/// case's winner too. The index is filled from zero with every weight raised by one, then
/// lowered to its value, so both directions of an update are exercised.
fn other_exact_draws<W: IndexWeight + std::fmt::Display + From<u8>>(
    weights: &[W],
    total: &W,
    draw: &W,
    seed: &[u8; 32],
    position: Option<usize>,
) -> Result<()> {
    let scan = select_by_linear_scan(weights, seed);
    if scan != position {
        bail!("the linear scan selects position {scan:?}, expected {position:?}");
    }
    let one = W::from(1u8);
    let mut index = WeightIndex::new(vec![W::zero(); weights.len()])
        .map_err(|e| anyhow!("empty index: {e}"))?;
    for (i, w) in weights.iter().enumerate() {
        let raised = w
            .checked_add(&one)
            .ok_or_else(|| anyhow!("weight {w} + 1 overflows"))?;
        index.set(i, raised).map_err(|e| anyhow!("set: {e}"))?;
    }
    for (i, w) in weights.iter().enumerate() {
        index.set(i, w.clone()).map_err(|e| anyhow!("set: {e}"))?;
    }
    if index.total() != total {
        bail!(
            "the updated index totals {}, expected {total}",
            index.total()
        );
    }
    if index.len() != weights.len() || index.is_empty() != weights.is_empty() {
        bail!("the updated index holds {} weights", index.len());
    }
    if let Some(i) = (0..weights.len()).find(|&i| index.weight(i) != Some(&weights[i])) {
        bail!("the updated index has the wrong weight at position {i}");
    }
    let found = index.find(draw);
    if found != position {
        bail!(
            "the updated index finds position {found:?} for the draw {draw}, expected {position:?}"
        );
    }
    let sampled = index.sample(seed);
    if sampled != position {
        bail!("the updated index samples position {sampled:?}, expected {position:?}");
    }
    Ok(())
}
