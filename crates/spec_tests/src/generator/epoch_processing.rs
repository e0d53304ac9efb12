//! `epoch_processing/<handler>`: one step of `process_epoch` on the state at the end of
//! an epoch's last slot, with the earlier steps applied (as the spec runs them).

use super::Ctx;
use super::fixtures::{default_config, round_chain};
use crate::chain::{Chain, config};
use crate::meta::{BLS_IGNORED, Meta};
use anyhow::{Result, anyhow};
use etn_state::StateError;
use etn_state::epoch::{
    process_justification_and_finalization, process_participation_flag_updates,
    process_randao_mixes_reset, process_smoothing,
};
use etn_state::produce::BlockContents;
use etn_state::slot::{process_builder_assignment, process_slot};
use etn_state::validity::check_state_shape;
use etn_types::*;

const STEPS: [&str; 4] = [
    "justification_and_finalization",
    "smoothing",
    "randao_mixes_reset",
    "participation_flag_updates",
];

fn apply(step: &str, state: &mut BeaconState) -> Result<(), StateError> {
    let mechanism = check_state_shape(state)?;
    match step {
        "justification_and_finalization" => process_justification_and_finalization(state),
        "smoothing" => process_smoothing(state, &mechanism),
        "randao_mixes_reset" => {
            process_randao_mixes_reset(state);
            Ok(())
        }
        _ => {
            process_participation_flag_updates(state);
            Ok(())
        }
    }
}

/// The state at the end of `epoch`'s last slot as `process_epoch` receives it: the
/// slot's builder assignment made (if the slot had no block) and its roots cached.
fn epoch_end(chain: &Chain, epoch: Epoch) -> Result<BeaconState> {
    let last = (epoch + 1) * chain.state.config.slots_per_epoch - 1;
    let mut state = chain.state_at(last)?;
    let mechanism = check_state_shape(&state)?;
    if state.latest_block_header.slot < state.slot {
        process_builder_assignment(&mut state, &mechanism)?;
    }
    process_slot(&mut state)?;
    Ok(state)
}

/// Writes a case for `handler` from an epoch-end state: the steps before the handler
/// are applied first, then the handler's outcome is recorded.
fn case(
    ctx: &mut Ctx,
    handler: &str,
    name: &str,
    description: &str,
    epoch_end_state: &BeaconState,
    expect: Option<&str>,
) -> Result<()> {
    let mut pre = epoch_end_state.clone();
    for step in STEPS.iter().take_while(|s| **s != handler) {
        apply(step, &mut pre).map_err(|e| anyhow!("{handler}/{name}: step {step}: {e}"))?;
    }
    let mut post = pre.clone();
    let result = apply(handler, &mut post);
    ctx.state_case(
        "epoch_processing",
        handler,
        name,
        Meta::new(description, BLS_IGNORED),
        &pre,
        |_| Ok(()),
        (result, post),
        expect,
    )
}

/// A chain where the validators `include` selects attest in every block, to `last`.
fn voting_chain(config: ChainConfig, last: Slot, include: &dyn Fn(u64) -> bool) -> Result<Chain> {
    let mut chain = Chain::genesis(config, super::VALIDATORS, &super::BUILDER_BALANCES, false)?;
    for slot in 1..=last {
        let votes = chain.attestations(include)?;
        chain.block(
            slot,
            BlockContents {
                attestations: votes,
                ..Default::default()
            },
        )?;
    }
    Ok(chain)
}

fn set_flags(participation: &mut [u8], members: impl Fn(usize) -> bool, flags: u8) {
    for (i, p) in participation.iter_mut().enumerate() {
        *p = if members(i) { flags } else { 0 };
    }
}

fn participation(state: &mut BeaconState, previous: usize, current: usize) {
    let n = state.validators.len();
    let mut prev = vec![0u8; n];
    let mut cur = vec![0u8; n];
    set_flags(&mut prev, |i| i < previous, 0b011);
    set_flags(&mut cur, |i| i < current, 0b111);
    state.previous_epoch_participation = prev.try_into().unwrap_or_default();
    state.current_epoch_participation = cur.try_into().unwrap_or_default();
}

fn bits(state: &mut BeaconState, b: [bool; 4]) {
    for (i, v) in b.iter().enumerate() {
        state.justification_bits.set(i, *v);
    }
}

/// A crafted finality case: name, description, the justification bits before the epoch,
/// the previous and current justified epochs, and how many validators hit the previous
/// and current targets.
type Rule = (
    &'static str,
    &'static str,
    [bool; 4],
    Epoch,
    Epoch,
    usize,
    usize,
);

pub fn generate(ctx: &mut Ctx) -> Result<()> {
    justification(ctx)?;
    smoothing(ctx)?;
    randao_and_participation(ctx)?;
    Ok(())
}

fn justification(ctx: &mut Ctx) -> Result<()> {
    const H: &str = "justification_and_finalization";
    // Everyone attests: the natural progression of epochs 1 to 5.
    let chain = voting_chain(default_config(), 47, &|_| true)?;
    for epoch in 1..=5 {
        let state = epoch_end(&chain, epoch)?;
        case(
            ctx,
            H,
            &format!("full_participation_epoch_{epoch}"),
            &format!("every validator attests in every block: the end of epoch {epoch}"),
            &state,
            None,
        )?;
    }
    // Two thirds exactly: 16 of 24 validators justify, 15 do not.
    let base = epoch_end(&chain, 4)?;
    for (name, previous, current) in [
        ("previous_two_thirds", 16, 0),
        ("previous_one_short", 15, 0),
        ("current_two_thirds", 0, 16),
        ("current_one_short", 0, 15),
        ("both_two_thirds", 16, 16),
        ("neither", 0, 0),
    ] {
        let mut s = base.clone();
        participation(&mut s, previous, current);
        case(
            ctx,
            H,
            name,
            &format!(
                "{previous} of 24 validators hit the previous epoch's target, {current} the current one's (2/3 is 16)"
            ),
            &s,
            None,
        )?;
    }
    let mut s = base.clone();
    participation(&mut s, 16, 16);
    s.validators[0].slashed = true;
    case(
        ctx,
        H,
        "slashed_attester_not_counted",
        "16 target votes in each epoch, one of them by a slashed validator: 15 count",
        &s,
        None,
    )?;
    // The four finalization rules, at epoch 5, from crafted histories.
    let at5 = epoch_end(&chain, 5)?;
    let root = |epoch: Epoch| -> Result<Root> {
        Ok(at5.block_roots[(epoch * 8 % SLOTS_PER_HISTORICAL_ROOT as u64) as usize])
    };
    let cp = |epoch: Epoch| -> Result<Checkpoint> {
        Ok(Checkpoint {
            epoch,
            root: root(epoch)?,
        })
    };
    let rules: [Rule; 6] = [
        (
            "rule_234",
            "2nd/3rd/4th most recent epochs justified, the 2nd using the 4th as source: finalize the old previous justified (epoch 2)",
            [true, true, true, false],
            2,
            3,
            0,
            0,
        ),
        (
            "rule_23",
            "2nd/3rd most recent epochs justified, the 2nd using the 3rd as source: finalize epoch 3",
            [true, true, false, false],
            3,
            3,
            0,
            0,
        ),
        (
            "rule_123",
            "1st/2nd/3rd most recent epochs justified, the 1st using the 3rd as source: finalize epoch 3",
            [true, true, false, false],
            2,
            3,
            0,
            24,
        ),
        (
            "rule_12",
            "1st/2nd most recent epochs justified, the 1st using the 2nd as source: finalize epoch 4",
            [true, false, false, false],
            3,
            4,
            0,
            24,
        ),
        (
            "rule_234_old_source",
            "the bits of the first rule but the old previous justified checkpoint is too old (epoch 1): nothing is finalized",
            [true, true, true, false],
            1,
            3,
            0,
            0,
        ),
        (
            "rule_12_wrong_source",
            "the bits of the last rule but the old current justified checkpoint is two epochs old",
            [true, false, false, false],
            2,
            3,
            0,
            24,
        ),
    ];
    for (name, description, old_bits, prev_epoch, cur_epoch, previous, current) in rules {
        let mut s = at5.clone();
        bits(&mut s, old_bits);
        s.previous_justified_checkpoint = cp(prev_epoch)?;
        s.current_justified_checkpoint = cp(cur_epoch)?;
        s.finalized_checkpoint = cp(1)?;
        participation(&mut s, previous, current);
        case(ctx, H, name, description, &s, None)?;
    }
    // Checkpoint epochs near 2**64: `epoch + k == current_epoch` must not wrap (at
    // epoch 2, 2**64 - 1 + 3 would wrap to 2 and finalize a checkpoint no chain has).
    let mut s = epoch_end(&chain, 2)?;
    bits(&mut s, [true, true, true, true]);
    s.previous_justified_checkpoint = Checkpoint {
        epoch: u64::MAX,
        root: root(3)?,
    };
    s.current_justified_checkpoint = Checkpoint {
        epoch: u64::MAX,
        root: root(4)?,
    };
    participation(&mut s, 0, 0);
    case(
        ctx,
        H,
        "checkpoint_epochs_near_max",
        "justified checkpoint epochs of 2**64 - 1 at epoch 2: the finality sums must not wrap around to the current epoch",
        &s,
        None,
    )?;
    // Epochs 0 and 1 are skipped whatever the votes.
    let early = voting_chain(default_config(), 15, &|_| true)?;
    let mut s = epoch_end(&early, 1)?;
    participation(&mut s, 24, 24);
    case(
        ctx,
        H,
        "epoch_1_skipped",
        "full participation at the end of epoch 1: nothing is justified before epoch 2",
        &s,
        None,
    )?;
    // A chain where two thirds exactly attest.
    let chain = voting_chain(default_config(), 31, &|v| v < 16)?;
    let s = epoch_end(&chain, 3)?;
    case(
        ctx,
        H,
        "two_thirds_chain",
        "a chain on which 16 of 24 validators attest in every block",
        &s,
        None,
    )?;
    Ok(())
}

fn smoothing(ctx: &mut Ctx) -> Result<()> {
    const H: &str = "smoothing";
    let smooth = config(
        AllocationRule::Proportional,
        PaymentRule::AllPay,
        TicketLifetime::Round,
        PaymentDestination::Smooth,
        PricingRule::Fixed,
    );
    // A real chain whose round payments went to the smoothing pool.
    let fx = round_chain(smooth.clone(), false, 7)?;
    let base = epoch_end(&fx.chain, 0)?;
    case(
        ctx,
        H,
        "chain_pool",
        "the smoothing pool a chain's closed rounds filled, shared at the epoch boundary",
        &base,
        None,
    )?;
    for (name, description, pool) in [
        ("empty_pool", "nothing to share", 0u64),
        (
            "pool_below_one_each",
            "23 Gwei among 24 validators: the share is 0 and the pool keeps it",
            23,
        ),
        ("exact_shares", "24 * 5 Gwei: 5 each, nothing left", 120),
        (
            "remainder_stays",
            "24 * 5 + 7 Gwei: 5 each, 7 stay in the pool",
            127,
        ),
        ("large_pool", "a pool near 2**63", 1 << 63),
    ] {
        let mut s = base.clone();
        s.accounting.smoothing_pool = pool;
        case(ctx, H, name, description, &s, None)?;
    }
    let mut s = base.clone();
    s.accounting.smoothing_pool = 127;
    s.validators[1].slashed = true;
    s.validators[5].slashed = true;
    case(
        ctx,
        H,
        "slashed_excluded",
        "two slashed validators get no share: 127 among 22 is 5 each, 17 stay",
        &s,
        None,
    )?;
    let mut s = base.clone();
    s.accounting.smoothing_pool = 127;
    for v in s.validators.iter_mut() {
        v.slashed = true;
    }
    case(
        ctx,
        H,
        "all_slashed",
        "with every validator slashed nothing is paid and the pool stays",
        &s,
        None,
    )?;
    let mut s = base.clone();
    s.accounting.smoothing_pool = 127;
    s.balances[23] = u64::MAX - 4;
    case(
        ctx,
        H,
        "balance_overflow",
        "the last validator's balance cannot take its share of 5",
        &s,
        Some("Overflow"),
    )?;
    let mut s = base.clone();
    s.accounting.smoothing_pool = 127;
    s.accounting.total_smoothed = u64::MAX - 100;
    case(
        ctx,
        H,
        "total_overflow",
        "total_smoothed cannot take the 120 paid out",
        &s,
        Some("Overflow"),
    )?;
    // Under burn the pool is never shared, even if a state holds one.
    let fx = round_chain(default_config(), false, 7)?;
    let mut s = epoch_end(&fx.chain, 0)?;
    s.accounting.smoothing_pool = 127;
    case(
        ctx,
        H,
        "burn_destination_ignores_pool",
        "the burn destination never shares a pool",
        &s,
        None,
    )?;
    Ok(())
}

fn randao_and_participation(ctx: &mut Ctx) -> Result<()> {
    let fx = round_chain(default_config(), false, 15)?;
    for epoch in [0, 1] {
        let s = epoch_end(&fx.chain, epoch)?;
        case(
            ctx,
            "randao_mixes_reset",
            &format!("epoch_{epoch}"),
            "the epoch's mix is copied into the next epoch's entry",
            &s,
            None,
        )?;
        case(
            ctx,
            "participation_flag_updates",
            &format!("epoch_{epoch}"),
            "current participation becomes previous; current is cleared",
            &s,
            None,
        )?;
    }
    // The last entry of the ring wraps to the first.
    let mut s = epoch_end(&fx.chain, 1)?;
    s.slot = (EPOCHS_PER_HISTORICAL_VECTOR as u64) * 8 - 1;
    case(
        ctx,
        "randao_mixes_reset",
        "ring_wraps",
        "epoch 63 copies its mix into entry 0 (epoch 64)",
        &s,
        None,
    )?;
    Ok(())
}
