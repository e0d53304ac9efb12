//! `sanity/blocks`: whole chains through `state_transition`, for every allocation rule,
//! payment rule, lifetime, destination and pricing rule, with skipped slots, missed
//! payloads and epoch boundaries; and every way a whole block can be rejected.
//! `sanity/slots`: `process_slots` over empty slots, and every way a pre-state is refused.

use super::Ctx;
use super::fixtures::{default_config, pool_config, round_chain};
use crate::chain::{Chain, config};
use crate::files::CaseWriter;
use crate::meta::{BLS_IGNORED, BLS_REQUIRED, Meta};
use anyhow::{Result, anyhow, bail};
use etn_state::produce::BlockContents;
use etn_state::{StateError, StateRootCheck, process_slots, state_transition};
use etn_types::*;
use ssz_rs::prelude::List;

/// Runs `blocks` on `pre` through the implementation and writes the case; every block
/// but the last must apply, and the last must be accepted (`expect` None) or rejected
/// with `expect`.
fn blocks_case(
    ctx: &mut Ctx,
    name: &str,
    description: &str,
    bls: u8,
    pre: &BeaconState,
    blocks: &[SignedBeaconBlock],
    expect: Option<&str>,
) -> Result<()> {
    let chain = Chain::from_state(pre.clone(), bls == BLS_REQUIRED);
    let cache = cache_for(&chain, pre);
    let mut state = pre.clone();
    let mut result = Ok(());
    for (i, block) in blocks.iter().enumerate() {
        result = state_transition(
            &mut state,
            block,
            chain.strategy(),
            &cache,
            StateRootCheck::Verify,
        );
        if result.is_err() && i + 1 != blocks.len() {
            bail!("sanity/blocks/{name}: block {i} rejected: {:?}", result);
        }
    }
    let mut meta = Meta::new(description, bls);
    meta.blocks_count = Some(blocks.len() as u64);
    ctx.state_case(
        "sanity",
        "blocks",
        name,
        meta,
        pre,
        |w: &CaseWriter| {
            for (i, block) in blocks.iter().enumerate() {
                w.ssz(&format!("blocks_{i}"), block)?;
            }
            Ok(())
        },
        (result, state),
        expect,
    )
}

fn cache_for(chain: &Chain, pre: &BeaconState) -> etn_state::PubkeyCache {
    if chain.signed {
        etn_state::PubkeyCache::build(pre)
    } else {
        etn_state::PubkeyCache::default()
    }
}

fn slots_case(
    ctx: &mut Ctx,
    name: &str,
    description: &str,
    pre: &BeaconState,
    slots: u64,
    expect: Option<&str>,
) -> Result<()> {
    let mut state = pre.clone();
    let result: Result<(), StateError> = match pre.slot.checked_add(slots) {
        Some(target) => process_slots(&mut state, target),
        None => bail!("sanity/slots/{name}: slots past 2**64"),
    };
    ctx.state_case(
        "sanity",
        "slots",
        name,
        Meta::new(description, BLS_IGNORED),
        pre,
        |w| w.yaml("slots", &slots),
        (result, state),
        expect,
    )
}

/// A round-lifetime chain: bids for slots 6 to 10 (two purchases by one builder in one
/// block, ties for the largest-holding rules), an empty slot 4 whose round closes at its
/// end, payloads delivered except in slot 7, and an epoch boundary at slot 8.
fn round_scenario(
    config: ChainConfig,
    signed: bool,
) -> Result<(BeaconState, Vec<SignedBeaconBlock>)> {
    let mut chain = Chain::genesis(config, super::VALIDATORS, &super::BUILDER_BALANCES, signed)?;
    let pre = chain.state.clone();
    let mut blocks = Vec::new();
    for slot in 1..=11u64 {
        if slot == 4 {
            continue;
        }
        let purchases = match slot {
            1 => vec![
                chain.buy(0, 6, 5, 1, 0)?,
                chain.buy(1, 6, 3, 1, 0)?,
                chain.buy(2, 7, 4, 1, 0)?,
                chain.buy(3, 7, 4, 1, 0)?,
                chain.buy(0, 8, 2, 1, 1)?,
            ],
            2 => vec![
                chain.buy(1, 9, 6, 2, 0)?,
                chain.buy(2, 9, 1, 2, 0)?,
                chain.buy(3, 8, 9, 2, 0)?,
            ],
            3 => vec![chain.buy(3, 10, 2, 3, 0)?, chain.buy(0, 11, 7, 3, 0)?],
            6 => vec![chain.buy(1, 12, 3, 6, 0)?, chain.buy(2, 12, 3, 6, 0)?],
            _ => vec![],
        };
        let payload = (slot != 7).then_some(1_000 * slot);
        let block = chain.full_block(
            slot,
            payload,
            BlockContents {
                ticket_purchases: purchases,
                ..Default::default()
            },
        )?;
        blocks.push(block);
    }
    Ok((pre, blocks))
}

/// A pool-lifetime chain: purchases in slots 1 to 3 and 6, sales (when enabled) in
/// slots 3 and 6, an empty slot 4 whose draw happens at its end, payloads delivered
/// except in slot 7, and an epoch boundary at slot 8.
fn pool_scenario(
    config: ChainConfig,
    signed: bool,
) -> Result<(BeaconState, Vec<SignedBeaconBlock>)> {
    let sell_back = config.sell_back;
    let mut chain = Chain::genesis(config, super::VALIDATORS, &super::BUILDER_BALANCES, signed)?;
    let pre = chain.state.clone();
    let mut blocks = Vec::new();
    for slot in 1..=11u64 {
        if slot == 4 {
            continue;
        }
        let purchases = match slot {
            1 => vec![
                chain.buy(0, 9, 6, 1, 0)?,
                chain.buy(1, 1, 2, 1, 0)?,
                chain.buy(2, 5, 3, 1, 0)?,
            ],
            2 => vec![chain.buy(3, 2, 1, 2, 0)?, chain.buy(2, 10, 5, 2, 0)?],
            3 => vec![chain.buy(1, 3, 4, 3, 0)?],
            6 => vec![chain.buy(3, 14, 3, 6, 0)?],
            _ => vec![],
        };
        let sales = match (sell_back, slot) {
            (true, 3) => vec![chain.sell(0, 2, 3, 0)?],
            (true, 6) => vec![chain.sell(2, 1, 6, 0)?, chain.sell(2, 1, 6, 1)?],
            _ => vec![],
        };
        let payload = (slot != 7).then_some(500 * slot);
        let block = chain.full_block(
            slot,
            payload,
            BlockContents {
                ticket_purchases: purchases,
                ticket_sales: sales,
                ..Default::default()
            },
        )?;
        blocks.push(block);
    }
    Ok((pre, blocks))
}

fn mechanism_name(c: &ChainConfig) -> Result<String> {
    let m = c.mechanism().map_err(|e| anyhow!("{e}"))?;
    let rule = match m.allocation {
        AllocationRule::Tullock {
            numerator,
            denominator,
        } => format!("tullock_{numerator}_{denominator}"),
        other => other.name().replace('-', "_"),
    };
    Ok(format!(
        "{}_{rule}_{}_{}_{}{}",
        m.lifetime.name(),
        m.payment.name().replace('-', "_"),
        m.destination.name(),
        m.pricing.name(),
        if m.sell_back { "_sell_back" } else { "" }
    ))
}

pub fn generate(ctx: &mut Ctx) -> Result<()> {
    mechanisms(ctx)?;
    rejected_blocks(ctx)?;
    slots(ctx)?;
    Ok(())
}

fn mechanisms(ctx: &mut Ctx) -> Result<()> {
    use AllocationRule::*;
    use PaymentDestination::*;
    use PaymentRule::*;
    use PricingRule::*;
    use TicketLifetime::*;
    let tullock = |numerator, denominator| Tullock {
        numerator,
        denominator,
    };
    // A low eip1559 target, so that the chains' purchases move the price.
    let cfg = |rule, payment, lifetime, destination, pricing, sell_back| {
        let mut c = config(rule, payment, lifetime, destination, pricing);
        c.sell_back = sell_back;
        if pricing == Eip1559 {
            c.target_tickets_per_slot = 4;
            c.price_adjustment_quotient = 2;
        }
        c
    };
    let matrix = [
        cfg(Proportional, AllPay, Round, Burn, Fixed, false),
        cfg(Proportional, WinnerPay, Round, Smooth, Eip1559, false),
        cfg(tullock(3, 2), AllPay, Round, Smooth, Fixed, false),
        cfg(tullock(2, 1), WinnerPay, Round, Burn, Eip1559, false),
        cfg(WinnerTakeAll, WinnerPay, Round, Burn, Fixed, false),
        cfg(WinnerTakeAll, AllPay, Round, Smooth, Eip1559, false),
        cfg(SecondPrice, WinnerPay, Round, Smooth, Eip1559, false),
        cfg(SecondPrice, AllPay, Round, Burn, Fixed, false),
        cfg(Uniform, AllPay, Round, Burn, Eip1559, false),
        cfg(Uniform, WinnerPay, Round, Smooth, Fixed, false),
        cfg(Proportional, AllPay, Pool, Burn, Fixed, true),
        cfg(Proportional, WinnerPay, Pool, Smooth, Eip1559, true),
        cfg(tullock(1, 2), WinnerPay, Pool, Burn, Fixed, false),
        cfg(tullock(2, 1), AllPay, Pool, Burn, Eip1559, true),
        cfg(WinnerTakeAll, AllPay, Pool, Burn, Eip1559, true),
        cfg(SecondPrice, WinnerPay, Pool, Smooth, Fixed, true),
        cfg(Uniform, AllPay, Pool, Smooth, Fixed, false),
        cfg(Uniform, WinnerPay, Pool, Burn, Eip1559, true),
    ];
    for c in matrix {
        let name = mechanism_name(&c)?;
        let pool = c.ticket_lifetime == Pool.code();
        let (pre, blocks) = if pool {
            pool_scenario(c.clone(), false)?
        } else {
            round_scenario(c.clone(), false)?
        };
        blocks_case(
            ctx,
            &name,
            &format!(
                "ten blocks with purchases{}, payloads, a skipped slot, a missed payload and an epoch boundary under {name}",
                if pool && c.sell_back {
                    " and sales"
                } else {
                    ""
                }
            ),
            BLS_IGNORED,
            &pre,
            &blocks,
            None,
        )?;
    }
    // With BLS.
    let (pre, blocks) = round_scenario(default_config(), true)?;
    blocks_case(
        ctx,
        "signed_round",
        "the default-mechanism chain with every signature checked",
        BLS_REQUIRED,
        &pre,
        &blocks,
        None,
    )?;
    let (pre, blocks) = pool_scenario(pool_config(WinnerPay, Smooth, true), true)?;
    blocks_case(
        ctx,
        "signed_pool",
        "a pool chain with sales, every signature checked",
        BLS_REQUIRED,
        &pre,
        &blocks,
        None,
    )?;
    // Four epochs with every validator voting: justification and finality in blocks.
    let fx = round_chain(default_config(), false, 33)?;
    blocks_case(
        ctx,
        "justification_and_finality",
        "33 blocks with every validator voting: epochs are justified and finalized",
        BLS_IGNORED,
        &fx.genesis,
        &fx.blocks,
        None,
    )?;
    Ok(())
}

fn rejected_blocks(ctx: &mut Ctx) -> Result<()> {
    let ign = BLS_IGNORED;
    // Unsigned round chain at slot 3 (after its block); the next block is at slot 4.
    let fx = round_chain(default_config(), false, 3)?;
    let chain = fx.chain;
    let pre = chain.state.clone();
    let good = chain.produce(4, BlockContents::default())?;
    let bad = |ctx: &mut Ctx, name: &str, d: &str, block: SignedBeaconBlock, e: &str| {
        blocks_case(ctx, name, d, ign, &pre, &[block], Some(e))
    };
    let mut b = good.clone();
    b.message.state_root = Bytes32([1; 32]);
    bad(
        ctx,
        "state_root_mismatch",
        "a block whose state_root is not the post-state's root",
        b,
        "StateRootMismatch",
    )?;
    let mut b = good.clone();
    b.message.proposer_index = (b.message.proposer_index + 1) % super::VALIDATORS;
    bad(
        ctx,
        "wrong_proposer",
        "a block by a validator other than the slot's proposer",
        b,
        "WrongProposer",
    )?;
    let mut b = good.clone();
    b.message.parent_root = Bytes32([2; 32]);
    bad(
        ctx,
        "wrong_parent",
        "a block on another parent than the latest block",
        b,
        "WrongParent",
    )?;
    let mut b = good.clone();
    b.message.slot = 3;
    bad(
        ctx,
        "same_slot_as_latest",
        "a second block for the slot of the latest block",
        b,
        "BlockNotNewer",
    )?;
    let mut b = good.clone();
    b.message.slot = 2;
    bad(
        ctx,
        "slot_in_the_past",
        "a block for a slot before the state's",
        b,
        "WrongSlot",
    )?;
    // Operations inside a block: any invalid one rejects the block.
    let with = |purchases: Vec<SignedBuyTickets>| -> Result<SignedBeaconBlock> {
        let mut b = good.clone();
        b.message.body.ticket_purchases = purchases.try_into().map_err(|_| anyhow!("purchases"))?;
        Ok(b)
    };
    let p0 = chain.buy(1, 12, 2, 4, 0)?;
    let p1 = chain.buy(1, 13, 2, 4, 1)?;
    bad(
        ctx,
        "duplicate_purchase",
        "the same purchase twice in one block",
        with(vec![p0.clone(), p0.clone()])?,
        "DuplicateOperation(TicketPurchase)",
    )?;
    bad(
        ctx,
        "purchases_out_of_nonce_order",
        "two purchases by one builder with their nonces swapped",
        with(vec![p1.clone(), p0.clone()])?,
        "BadNonce",
    )?;
    let ok_block = chain.produce(
        4,
        BlockContents {
            ticket_purchases: vec![p0.clone(), p1.clone()],
            ..Default::default()
        },
    )?;
    blocks_case(
        ctx,
        "purchases_in_nonce_order",
        "two purchases by one builder in one block with consecutive nonces",
        ign,
        &pre,
        &[ok_block],
        None,
    )?;
    let mut b = good.clone();
    let votes = fx.votes.get(&3).cloned().unwrap_or_default();
    let mut doubled = votes.clone();
    doubled.extend(votes);
    b.message.body.attestations = doubled.try_into().map_err(|_| anyhow!("attestations"))?;
    bad(
        ctx,
        "duplicate_attestation",
        "the same attestation twice in one block",
        b,
        "DuplicateOperation(Attestation)",
    )?;
    let slashing = AttesterSlashing {
        attestation_1: IndexedAttestation {
            attesting_indices: vec![1u64].try_into().map_err(|_| anyhow!("i"))?,
            data: AttestationData {
                slot: 1,
                ..Default::default()
            },
            signature: BlsSignature::ZERO,
        },
        attestation_2: IndexedAttestation {
            attesting_indices: vec![1u64].try_into().map_err(|_| anyhow!("i"))?,
            data: AttestationData {
                slot: 2,
                ..Default::default()
            },
            signature: BlsSignature::ZERO,
        },
    };
    let mut b = good.clone();
    b.message.body.attester_slashings = vec![slashing.clone(), slashing.clone()]
        .try_into()
        .map_err(|_| anyhow!("slashings"))?;
    bad(
        ctx,
        "duplicate_attester_slashing",
        "the same attester slashing twice in one block",
        b,
        "DuplicateOperation(AttesterSlashing)",
    )?;
    let mut b = good.clone();
    b.message.body.attester_slashings = vec![slashing.clone()]
        .try_into()
        .map_err(|_| anyhow!("s"))?;
    b.message.body.ticket_purchases = vec![p0.clone(), p0.clone()]
        .try_into()
        .map_err(|_| anyhow!("p"))?;
    bad(
        ctx,
        "duplicates_checked_before_operations",
        "a valid slashing and a duplicated purchase: the duplicate check runs before any operation",
        b,
        "DuplicateOperation(TicketPurchase)",
    )?;
    let with_slashing = chain.produce(
        4,
        BlockContents {
            attester_slashings: vec![slashing],
            ..Default::default()
        },
    )?;
    blocks_case(
        ctx,
        "attester_slashing",
        "a block slashing validator 1 for a double vote; it proposes no more",
        ign,
        &pre,
        &[with_slashing],
        None,
    )?;
    // Sales.
    let pool = super::fixtures::pool_chain(
        pool_config(PaymentRule::AllPay, PaymentDestination::Burn, true),
        false,
        3,
    )?;
    let pchain = pool.chain;
    let ppre = pchain.state.clone();
    let s0 = pchain.sell(0, 1, 4, 0)?;
    let mut b = pchain.produce(4, BlockContents::default())?;
    b.message.body.ticket_sales = vec![s0.clone(), s0.clone()]
        .try_into()
        .map_err(|_| anyhow!("sales"))?;
    blocks_case(
        ctx,
        "duplicate_sale",
        "the same sale twice in one block",
        ign,
        &ppre,
        &[b],
        Some("DuplicateOperation(TicketSale)"),
    )?;
    let s1 = pchain.sell(0, 1, 4, 1)?;
    let mut both = pchain.produce(4, BlockContents::default())?;
    both.message.body.ticket_sales = vec![s0, s1].try_into().map_err(|_| anyhow!("sales"))?;
    both.message.body.ticket_purchases = vec![pchain.buy(0, 6, 3, 4, 0)?]
        .try_into()
        .map_err(|_| anyhow!("purchases"))?;
    blocks_case(
        ctx,
        "buy_then_sell_in_one_block",
        "a purchase and two sales by one builder in one block: purchases run first, so the nonces go buy, sell, sell",
        ign,
        &ppre,
        &[both],
        Some("BadNonce"),
    )?;
    // A block whose payload is absent leaves the slot missed; one with a wrong payload is rejected.
    let fx6 = round_chain(default_config(), false, 5)?;
    let pre6 = fx6.chain.state.clone();
    let missed = fx6.chain.produce(6, BlockContents::default())?;
    blocks_case(
        ctx,
        "payload_missed",
        "the block of an assigned slot carries no payload: the builder missed it",
        ign,
        &pre6,
        std::slice::from_ref(&missed),
        None,
    )?;
    let mut wrong = missed;
    let payload = fx6
        .chain
        .payload_for(6, 1)?
        .ok_or_else(|| anyhow!("slot 6 unassigned"))?;
    let mut payload = payload;
    payload.message.value = pre6.config.max_execution_inflow_per_slot + 1;
    wrong.message.body.execution_payload =
        vec![payload].try_into().map_err(|_| anyhow!("payload"))?;
    blocks_case(
        ctx,
        "payload_above_limit",
        "a block whose payload declares more than the per-slot maximum",
        ign,
        &pre6,
        &[wrong],
        Some("InflowAboveLimit"),
    )?;
    // Several blocks, the last one bad.
    let fx1 = round_chain(default_config(), false, 1)?;
    let mut grow = fx1.chain.clone();
    let b2 = grow.full_block(2, Some(0), BlockContents::default())?;
    let b3 = grow.full_block(3, Some(0), BlockContents::default())?;
    let mut b4 = grow.produce(4, BlockContents::default())?;
    b4.message.state_root = Bytes32::ZERO;
    blocks_case(
        ctx,
        "third_block_bad",
        "two good blocks, then one with a wrong state root",
        ign,
        &fx1.chain.state,
        &[b2, b3, b4],
        Some("StateRootMismatch"),
    )?;
    // Signed chains: bad signatures.
    let sfx = round_chain(default_config(), true, 3)?;
    let schain = sfx.chain;
    let spre = schain.state.clone();
    let sgood = schain.produce(4, BlockContents::default())?;
    let mut b = sgood.clone();
    b.signature = schain
        .produce(
            4,
            BlockContents {
                graffiti: Bytes32([1; 32]),
                ..Default::default()
            },
        )?
        .signature;
    blocks_case(
        ctx,
        "bad_proposer_signature",
        "the proposer's signature of another block",
        BLS_REQUIRED,
        &spre,
        &[b],
        Some("InvalidSignature(BlockProposal)"),
    )?;
    let mut b = sgood.clone();
    b.signature = BlsSignature::ZERO;
    blocks_case(
        ctx,
        "proposer_signature_not_a_point",
        "signature bytes that do not decode",
        BLS_REQUIRED,
        &spre,
        &[b],
        Some("InvalidSignature(BlockProposal)"),
    )?;
    let mut b = sgood.clone();
    b.message.body.randao_reveal = Bytes96([0xc0; 96]);
    let b = resign(&schain, b)?;
    blocks_case(
        ctx,
        "bad_randao_reveal",
        "a correctly signed block whose RANDAO reveal is not the proposer's",
        BLS_REQUIRED,
        &spre,
        &[b],
        Some("InvalidRandaoReveal"),
    )?;
    let mut forged = schain.buy(1, 12, 2, 4, 0)?;
    forged.message.tickets = 3;
    let b = schain.produce(
        4,
        BlockContents {
            ticket_purchases: vec![forged],
            ..Default::default()
        },
    )?;
    blocks_case(
        ctx,
        "forged_purchase_signature",
        "a block carrying a purchase whose message was altered after signing",
        BLS_REQUIRED,
        &spre,
        &[b],
        Some("InvalidSignature(BuyTickets)"),
    )?;
    // Pre-states the transition refuses.
    let mut p = pre.clone();
    p.balances.push(1).map_err(|_| anyhow!("push"))?;
    blocks_case(
        ctx,
        "malformed_pre_state",
        "a pre-state with more balances than validators",
        ign,
        &p,
        std::slice::from_ref(&good),
        Some("MalformedState"),
    )?;
    let mut p = pre.clone();
    p.config.round_window = 0;
    blocks_case(
        ctx,
        "invalid_config_pre_state",
        "a pre-state whose config has round_window 0",
        ign,
        &p,
        std::slice::from_ref(&good),
        Some("Config(OutOfRange)"),
    )?;
    let mut p = pre.clone();
    p.slot = u64::MAX - 3;
    p.latest_block_header.slot = u64::MAX - 4;
    let mut b = good;
    b.message.slot = u64::MAX - 2;
    blocks_case(
        ctx,
        "slot_processing_overflow",
        "the empty slot before the block cannot decide slot + lookahead (past 2**64 - 1)",
        ign,
        &p,
        &[b],
        Some("Overflow"),
    )?;
    Ok(())
}

/// Re-signs a block after its body was edited (its state root is left as it was).
fn resign(chain: &Chain, mut block: SignedBeaconBlock) -> Result<SignedBeaconBlock> {
    let state = chain.state_at(block.message.slot)?;
    let key = chain.validator_key(block.message.proposer_index);
    block = etn_state::produce::sign_block(&state, block.message, key)?;
    Ok(block)
}

fn bids(list: &[(u64, u64)]) -> Result<List<TicketBid, MAX_BIDS_PER_ROUND>> {
    list.iter()
        .map(|&(builder_index, tickets)| TicketBid {
            builder_index,
            tickets,
            paid: tickets,
        })
        .collect::<Vec<_>>()
        .try_into()
        .map_err(|_| anyhow!("bids"))
}

/// An edit of a pre-state's config, and of a pre-state.
type ConfigEdit = Box<dyn Fn(&mut ChainConfig)>;
type StateEdit = Box<dyn Fn(&mut BeaconState) -> Result<()>>;

fn slots(ctx: &mut Ctx) -> Result<()> {
    // Round lifetime with open rounds: empty slots close them with an unchanged mix.
    let fx = round_chain(default_config(), false, 3)?;
    let pre = fx.chain.state.clone();
    slots_case(ctx, "one", "one empty slot", &pre, 1, None)?;
    slots_case(
        ctx,
        "to_epoch_end",
        "empty slots up to the epoch's last slot",
        &pre,
        4,
        None,
    )?;
    slots_case(
        ctx,
        "across_epoch_boundary",
        "empty slots across an epoch boundary",
        &pre,
        5,
        None,
    )?;
    slots_case(
        ctx,
        "empty_rounds_close",
        "empty slots closing the rounds for slots 6 to 12, two epochs",
        &pre,
        13,
        None,
    )?;
    slots_case(
        ctx,
        "zero",
        "advancing by no slot is refused",
        &pre,
        0,
        Some("SlotNotInFuture"),
    )?;
    // Pool lifetime: empty slots draw tickets.
    let pool = super::fixtures::pool_chain(
        pool_config(PaymentRule::WinnerPay, PaymentDestination::Smooth, false),
        false,
        3,
    )?;
    slots_case(
        ctx,
        "pool_draws_on_empty_slots",
        "empty slots draw pooled tickets (winner-pay charges them into the smoothing pool, shared at the epoch boundary)",
        &pool.chain.state,
        9,
        None,
    )?;
    // eip1559: the price falls in empty slots.
    let mut c = config(
        AllocationRule::Proportional,
        PaymentRule::AllPay,
        TicketLifetime::Round,
        PaymentDestination::Burn,
        PricingRule::Eip1559,
    );
    c.base_ticket_price = 3;
    let chain = Chain::genesis(c, super::VALIDATORS, &super::BUILDER_BALANCES, false)?;
    let mut p = chain.state.clone();
    p.ticket_price = 1_000;
    slots_case(
        ctx,
        "eip1559_price_decays",
        "an eip1559 price of 1000 falls by an eighth per empty slot",
        &p,
        10,
        None,
    )?;
    // Pre-states refused by the shape check.
    let base = fx.chain.state.clone();
    let mut config_cases: Vec<(&str, &str, ConfigEdit, &str)> = vec![
        (
            "config_slots_per_epoch_1",
            "slots_per_epoch 1",
            Box::new(|c| c.slots_per_epoch = 1),
            "Config(OutOfRange)",
        ),
        (
            "config_slots_per_epoch_33",
            "slots_per_epoch 33 (two epochs exceed the root history)",
            Box::new(|c| c.slots_per_epoch = 33),
            "Config(OutOfRange)",
        ),
        (
            "config_seconds_per_slot_0",
            "seconds_per_slot 0",
            Box::new(|c| c.seconds_per_slot = 0),
            "Config(OutOfRange)",
        ),
        (
            "config_target_committee_size_0",
            "target_committee_size 0",
            Box::new(|c| c.target_committee_size = 0),
            "Config(OutOfRange)",
        ),
        (
            "config_max_committees_0",
            "max_committees_per_slot 0",
            Box::new(|c| c.max_committees_per_slot = 0),
            "Config(OutOfRange)",
        ),
        (
            "config_max_committees_65",
            "max_committees_per_slot 65",
            Box::new(|c| c.max_committees_per_slot = 65),
            "Config(OutOfRange)",
        ),
        (
            "config_shuffle_rounds_256",
            "shuffle_round_count 256",
            Box::new(|c| c.shuffle_round_count = 256),
            "Config(OutOfRange)",
        ),
        (
            "config_lookahead_0",
            "ticket_lookahead 0",
            Box::new(|c| c.ticket_lookahead = 0),
            "Config(OutOfRange)",
        ),
        (
            "config_lookahead_64",
            "ticket_lookahead 64",
            Box::new(|c| c.ticket_lookahead = 64),
            "Config(OutOfRange)",
        ),
        (
            "config_round_window_0",
            "round_window 0",
            Box::new(|c| c.round_window = 0),
            "Config(OutOfRange)",
        ),
        (
            "config_round_window_65",
            "round_window 65",
            Box::new(|c| c.round_window = 65),
            "Config(OutOfRange)",
        ),
        (
            "config_base_price_0",
            "base_ticket_price 0",
            Box::new(|c| c.base_ticket_price = 0),
            "Config(OutOfRange)",
        ),
        (
            "config_eip1559_target_0",
            "eip1559 with target_tickets_per_slot 0",
            Box::new(|c| {
                c.pricing_rule = 1;
                c.target_tickets_per_slot = 0;
            }),
            "Config(OutOfRange)",
        ),
        (
            "config_eip1559_quotient_0",
            "eip1559 with price_adjustment_quotient 0",
            Box::new(|c| {
                c.pricing_rule = 1;
                c.price_adjustment_quotient = 0;
            }),
            "Config(OutOfRange)",
        ),
        (
            "config_allocation_rule_5",
            "allocation_rule 5",
            Box::new(|c| c.allocation_rule = 5),
            "Config(UnknownCode)",
        ),
        (
            "config_payment_rule_2",
            "payment_rule 2",
            Box::new(|c| c.payment_rule = 2),
            "Config(UnknownCode)",
        ),
        (
            "config_lifetime_2",
            "ticket_lifetime 2",
            Box::new(|c| c.ticket_lifetime = 2),
            "Config(UnknownCode)",
        ),
        (
            "config_pricing_rule_2",
            "pricing_rule 2",
            Box::new(|c| c.pricing_rule = 2),
            "Config(UnknownCode)",
        ),
        (
            "config_destination_2",
            "payment_destination 2",
            Box::new(|c| c.payment_destination = 2),
            "Config(UnknownCode)",
        ),
        (
            "config_alpha_on_proportional",
            "proportional with alpha 1/1 stored",
            Box::new(|c| {
                c.alpha_numerator = 1;
                c.alpha_denominator = 1;
            }),
            "Config(InvalidAlpha)",
        ),
        (
            "config_tullock_denominator_0",
            "tullock 1/0",
            Box::new(|c| {
                c.allocation_rule = 1;
                c.alpha_numerator = 1;
                c.alpha_denominator = 0;
            }),
            "Config(InvalidAlpha)",
        ),
        (
            "config_tullock_denominator_17",
            "tullock 1/17",
            Box::new(|c| {
                c.allocation_rule = 1;
                c.alpha_numerator = 1;
                c.alpha_denominator = 17;
            }),
            "Config(InvalidAlpha)",
        ),
        (
            "config_tullock_alpha_above_8",
            "tullock 17/2",
            Box::new(|c| {
                c.allocation_rule = 1;
                c.alpha_numerator = 17;
                c.alpha_denominator = 2;
            }),
            "Config(InvalidAlpha)",
        ),
        (
            "config_tullock_not_lowest_terms",
            "tullock 4/2",
            Box::new(|c| {
                c.allocation_rule = 1;
                c.alpha_numerator = 4;
                c.alpha_denominator = 2;
            }),
            "Config(InvalidAlpha)",
        ),
        (
            "config_tullock_zero_over_two",
            "tullock 0/2 (alpha 0 must be 0/1)",
            Box::new(|c| {
                c.allocation_rule = 1;
                c.alpha_numerator = 0;
                c.alpha_denominator = 2;
            }),
            "Config(InvalidAlpha)",
        ),
        (
            "config_sell_back_round",
            "sell_back under the round lifetime",
            Box::new(|c| c.sell_back = true),
            "Config(SellBackNeedsPool)",
        ),
        (
            "config_sell_back_all_pay_smooth",
            "all-pay sell-back with the smooth destination",
            Box::new(|c| {
                c.ticket_lifetime = 1;
                c.sell_back = true;
                c.payment_destination = 1;
            }),
            "Config(SellBackNeedsBurn)",
        ),
    ];
    for (name, what, edit, error) in config_cases.drain(..) {
        let mut p = base.clone();
        edit(&mut p.config);
        slots_case(
            ctx,
            name,
            &format!("a pre-state whose config has {what}"),
            &p,
            1,
            Some(error),
        )?;
    }
    // Valid edge configs.
    let mut edge_cases: Vec<(&str, &str, ConfigEdit)> = vec![
        (
            "config_tullock_alpha_8",
            "tullock 8/1 (the largest alpha)",
            Box::new(|c| {
                c.allocation_rule = 1;
                c.alpha_numerator = 8;
                c.alpha_denominator = 1;
            }),
        ),
        (
            "config_tullock_alpha_0",
            "tullock 0/1",
            Box::new(|c| {
                c.allocation_rule = 1;
                c.alpha_numerator = 0;
                c.alpha_denominator = 1;
            }),
        ),
        (
            "config_tullock_denominator_16",
            "tullock 127/16",
            Box::new(|c| {
                c.allocation_rule = 1;
                c.alpha_numerator = 127;
                c.alpha_denominator = 16;
            }),
        ),
        (
            "config_extremes",
            "slots_per_epoch 2, 64 committees, 255 shuffle rounds, lookahead 63, round_window 64",
            Box::new(|c| {
                c.slots_per_epoch = 2;
                c.max_committees_per_slot = 64;
                c.shuffle_round_count = 255;
                c.ticket_lookahead = 63;
                c.round_window = 64;
            }),
        ),
        (
            "config_sell_back_winner_pay_smooth",
            "winner-pay sell-back with smooth (no issuance, so allowed)",
            Box::new(|c| {
                c.ticket_lifetime = 1;
                c.sell_back = true;
                c.payment_rule = 1;
                c.payment_destination = 1;
            }),
        ),
    ];
    let genesis = Chain::genesis(
        default_config(),
        super::VALIDATORS,
        &super::BUILDER_BALANCES,
        false,
    )?
    .state;
    for (name, what, edit) in edge_cases.drain(..) {
        let mut p = genesis.clone();
        edit(&mut p.config);
        slots_case(
            ctx,
            name,
            &format!("a chain whose config has {what} advances"),
            &p,
            3,
            None,
        )?;
    }
    // Shape violations.
    let shape: Vec<(&str, &str, StateEdit)> = vec![
        (
            "no_validators",
            "an empty validator registry",
            Box::new(|s| {
                s.validators = Default::default();
                s.balances = Default::default();
                s.previous_epoch_participation = Default::default();
                s.current_epoch_participation = Default::default();
                Ok(())
            }),
        ),
        (
            "balances_short",
            "one balance fewer than validators",
            Box::new(|s| {
                s.balances.pop();
                Ok(())
            }),
        ),
        (
            "previous_participation_short",
            "previous-epoch participation shorter than the registry",
            Box::new(|s| {
                s.previous_epoch_participation.pop();
                Ok(())
            }),
        ),
        (
            "current_participation_long",
            "current-epoch participation longer than the registry",
            Box::new(|s| {
                s.current_epoch_participation
                    .push(0)
                    .map_err(|_| anyhow!("push"))
            }),
        ),
        (
            "effective_balance_low",
            "a validator with effective balance below the maximum",
            Box::new(|s| {
                s.validators[3].effective_balance -= 1;
                Ok(())
            }),
        ),
        (
            "round_in_wrong_entry",
            "a round whose slot does not map to its ring entry",
            Box::new(|s| {
                s.ticket_rounds[20] = TicketRound {
                    slot: 21,
                    bids: bids(&[(0, 1)])?,
                };
                Ok(())
            }),
        ),
        (
            "bids_unsorted",
            "a round whose bids are not in builder order",
            Box::new(|s| {
                s.ticket_rounds[20] = TicketRound {
                    slot: 20,
                    bids: bids(&[(2, 1), (1, 1)])?,
                };
                Ok(())
            }),
        ),
        (
            "bids_repeat_builder",
            "a round with two bids of one builder",
            Box::new(|s| {
                s.ticket_rounds[20] = TicketRound {
                    slot: 20,
                    bids: bids(&[(1, 1), (1, 2)])?,
                };
                Ok(())
            }),
        ),
        (
            "bid_unknown_builder",
            "a bid by a builder past the registry",
            Box::new(|s| {
                s.ticket_rounds[20] = TicketRound {
                    slot: 20,
                    bids: bids(&[(1, 1), (4, 1)])?,
                };
                Ok(())
            }),
        ),
        (
            "bid_without_tickets",
            "a bid of zero tickets",
            Box::new(|s| {
                s.ticket_rounds[20] = TicketRound {
                    slot: 20,
                    bids: bids(&[(1, 0)])?,
                };
                Ok(())
            }),
        ),
        (
            "assignment_unknown_builder",
            "an assignment to a builder past the registry",
            Box::new(|s| {
                s.builder_assignments[9].builder_index = 4;
                Ok(())
            }),
        ),
        (
            "assignment_wrong_entry",
            "an assignment whose slot does not map to its ring entry",
            Box::new(|s| {
                s.builder_assignments[9].slot = 10;
                Ok(())
            }),
        ),
    ];
    for (name, what, edit) in shape {
        let mut p = base.clone();
        edit(&mut p)?;
        slots_case(
            ctx,
            &format!("malformed_{name}"),
            &format!("a pre-state with {what}"),
            &p,
            1,
            Some("MalformedState"),
        )?;
    }
    // A free ring entry's slot is not checked.
    let mut p = base.clone();
    p.ticket_rounds[20].slot = 7;
    slots_case(
        ctx,
        "free_round_entry_any_slot",
        "an empty round entry may hold any slot",
        &p,
        1,
        None,
    )?;
    // Overflows while advancing.
    let mut p = base.clone();
    p.slot = u64::MAX - 3;
    slots_case(
        ctx,
        "target_slot_overflow",
        "an empty slot cannot decide slot + lookahead past 2**64 - 1",
        &p,
        1,
        Some("Overflow"),
    )?;
    // The block-less slot 4 closes the round for slot 8 at its end.
    let mut p = base.clone();
    let target = p.slot + 1 + p.config.ticket_lookahead;
    let i = (target % TICKET_ROUND_SLOTS as u64) as usize;
    p.ticket_rounds[i] = TicketRound {
        slot: target,
        bids: vec![
            TicketBid {
                builder_index: 0,
                tickets: 1,
                paid: u64::MAX,
            },
            TicketBid {
                builder_index: 1,
                tickets: 1,
                paid: 1,
            },
        ]
        .try_into()
        .map_err(|_| anyhow!("bids"))?,
    };
    slots_case(
        ctx,
        "round_revenue_overflow",
        "an empty slot closes a round whose all-pay charges exceed 2**64 - 1",
        &p,
        2,
        Some("Mechanism(Overflow)"),
    )?;
    Ok(())
}
