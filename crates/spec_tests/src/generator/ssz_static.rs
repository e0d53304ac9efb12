//! `ssz_static`: every container as its all-default value, a few random values, and
//! (for the containers a chain produces) a real value taken from a generated chain.

use super::{Ctx, sample_chain};
use crate::files::CaseWriter;
use crate::meta::{BLS_NONE, Meta};
use crate::rng::Rng;
use crate::schema::{ForkData, Roots, SigningData};
use anyhow::Result;
use etn_types::ssz::hash_tree_root;
use etn_types::*;
use serde::Serialize;
use ssz_rs::prelude::*;

/// Random values with short lists, so cases stay small while every list length from
/// empty to a few elements is exercised.
pub trait Sample: Sized {
    fn sample(rng: &mut Rng) -> Self;
}

impl Sample for u64 {
    fn sample(rng: &mut Rng) -> Self {
        // Mix small numbers, boundary values and full-width ones.
        match rng.below(4) {
            0 => rng.below(100),
            1 => u64::MAX - rng.below(3),
            _ => rng.next_u64(),
        }
    }
}

impl Sample for u8 {
    fn sample(rng: &mut Rng) -> Self {
        rng.next_u64() as u8
    }
}

impl Sample for bool {
    fn sample(rng: &mut Rng) -> Self {
        rng.bool()
    }
}

macro_rules! sample_bytes {
    ($($t:ident),*) => {$(
        impl Sample for $t {
            fn sample(rng: &mut Rng) -> Self {
                $t(rng.bytes())
            }
        }
    )*};
}
sample_bytes!(Bytes4, Bytes32, Bytes48, Bytes96);

fn short_vec<T: Sample>(rng: &mut Rng, max: u64) -> Vec<T> {
    let len = rng.below(max + 1);
    (0..len).map(|_| T::sample(rng)).collect()
}

impl<T: Sample + SimpleSerialize, const N: usize> Sample for List<T, N> {
    fn sample(rng: &mut Rng) -> Self {
        let limit = (N as u64).min(3);
        short_vec(rng, limit).try_into().unwrap_or_default()
    }
}

impl<T: Sample + SimpleSerialize, const N: usize> Sample for VarList<T, N> {
    fn sample(rng: &mut Rng) -> Self {
        let limit = (N as u64).min(2);
        short_vec(rng, limit).try_into().unwrap_or_default()
    }
}

impl<T: Sample + SimpleSerialize, const N: usize> Sample for CachedList<T, N> {
    fn sample(rng: &mut Rng) -> Self {
        short_vec(rng, 3).try_into().unwrap_or_default()
    }
}

impl<T: Sample + SimpleSerialize + Default, const N: usize> Sample for CachedVector<T, N> {
    fn sample(rng: &mut Rng) -> Self {
        let items: Vec<T> = (0..N).map(|_| T::sample(rng)).collect();
        items.try_into().unwrap_or_default()
    }
}

impl<const N: usize> Sample for Bitlist<N> {
    fn sample(rng: &mut Rng) -> Self {
        let len = rng.below(12) as usize;
        let bits: Vec<bool> = (0..len).map(|_| rng.bool()).collect();
        Bitlist::try_from(bits.as_slice()).unwrap_or_default()
    }
}

impl<const N: usize> Sample for Bitvector<N> {
    fn sample(rng: &mut Rng) -> Self {
        let mut bits = Bitvector::<N>::default();
        for i in 0..N {
            bits.set(i, rng.bool());
        }
        bits
    }
}

macro_rules! sample_struct {
    ($($name:ident { $($field:ident),* $(,)? })*) => {$(
        impl Sample for $name {
            fn sample(rng: &mut Rng) -> Self {
                Self { $($field: Sample::sample(rng)),* }
            }
        }
    )*};
}

sample_struct! {
    Fork { previous_version, current_version, epoch }
    ForkData { current_version, genesis_validators_root }
    Checkpoint { epoch, root }
    StatusMessage { fork_digest, finalized_root, finalized_epoch, head_root, head_slot }
    BlocksByRangeRequest { start_slot, count }
    Validator { pubkey, effective_balance, slashed }
    AttestationData { slot, index, beacon_block_root, source, target }
    IndexedAttestation { attesting_indices, data, signature }
    BeaconBlockHeader { slot, proposer_index, parent_root, state_root, body_root }
    SigningData { object_root, domain }
    ChainConfig {
        slots_per_epoch, seconds_per_slot, target_committee_size, max_committees_per_slot,
        shuffle_round_count, allocation_rule, alpha_numerator, alpha_denominator,
        payment_rule, ticket_lifetime, sell_back, pricing_rule, payment_destination,
        ticket_lookahead, round_window, base_ticket_price, target_tickets_per_slot,
        price_adjustment_quotient, max_execution_inflow_per_slot,
    }
    Builder { pubkey, balance, nonce, pool_tickets, pool_paid, slots_won }
    TicketBid { builder_index, tickets, paid }
    TicketRound { slot, bids }
    BuilderAssignment { slot, builder_index, revenue, payload_status, inflow }
    TicketAccounting {
        genesis_supply, total_burned, total_execution_inflow, total_sell_back_paid,
        total_refunded, smoothing_pool, total_smoothed, tickets_sold, tickets_sold_in_slot,
        delivered_payloads, missed_payloads,
    }
    Attestation { aggregation_bits, data, signature }
    AttesterSlashing { attestation_1, attestation_2 }
    BuyTickets { builder_index, nonce, target_slot, tickets, max_price, rounds }
    SignedBuyTickets { message, signature }
    SellTickets { builder_index, nonce, tickets, min_price }
    SignedSellTickets { message, signature }
    ExecutionPayload { slot, builder_index, value, transactions }
    SignedExecutionPayload { message, signature }
    BeaconBlockBody {
        randao_reveal, graffiti, attester_slashings, attestations, ticket_purchases,
        ticket_sales, execution_payload,
    }
    BeaconBlock { slot, proposer_index, parent_root, state_root, body }
    SignedBeaconBlock { message, signature }
    BeaconState {
        genesis_time, genesis_validators_root, slot, fork, config, latest_block_header,
        block_roots, state_roots, validators, balances, randao_mixes,
        previous_epoch_participation, current_epoch_participation, justification_bits,
        previous_justified_checkpoint, current_justified_checkpoint, finalized_checkpoint,
        builders, ticket_price, ticket_rounds, builder_assignments, slot_revenue, accounting,
    }
    AggregateAndProof { aggregator_index, aggregate, selection_proof }
    SignedAggregateAndProof { message, signature }
}

fn write<T: SimpleSerialize + Serialize + Clone>(
    ctx: &mut Ctx,
    container: &str,
    case: &str,
    description: &str,
    value: &T,
) -> Result<()> {
    let w = CaseWriter::create(&ctx.out, "ssz_static", container, case)?;
    w.yaml("meta", &Meta::new(description, BLS_NONE))?;
    w.yaml("value", value)?;
    w.ssz("serialized", value)?;
    w.yaml(
        "roots",
        &Roots {
            root: hash_tree_root(value)?,
        },
    )?;
    ctx.count("ssz_static", container);
    Ok(())
}

/// Real values from a short generated chain, by container name.
struct RealValues {
    state: BeaconState,
    block: SignedBeaconBlock,
}

pub fn generate(ctx: &mut Ctx) -> Result<()> {
    let (state, block) = sample_chain()?;
    let real = RealValues { state, block };
    macro_rules! each {
        ($($name:ident),*) => {$(
            {
                let name = stringify!($name);
                write(ctx, name, "default", &format!("{name} with every field at its SSZ default"), &$name::default())?;
                // Seeds differ per container so no two containers share a stream.
                let mut rng = Rng::new(0x55a_0000 + name.len() as u64 * 977 + name.bytes().map(u64::from).sum::<u64>());
                for i in 0..2 {
                    let value = <$name as Sample>::sample(&mut rng);
                    write(ctx, name, &format!("random_{i}"), &format!("{name} with deterministic pseudo-random fields (lists of up to three elements)"), &value)?;
                }
                if let Some(value) = real_value::<$name>(&real) {
                    write(ctx, name, "chain", &format!("a {name} taken from a generated chain (blocks with attestations, purchases and a payload)"), &value)?;
                }
            }
        )*};
    }
    crate::for_each_container!(each);
    Ok(())
}

/// The real value of a container type, where a chain has one.
fn real_value<T: 'static + Clone>(real: &RealValues) -> Option<T> {
    use std::any::Any;
    let block = &real.block;
    let body = &block.message.body;
    let candidates: Vec<Box<dyn Any>> = vec![
        Box::new(real.state.clone()),
        Box::new(real.state.config.clone()),
        Box::new(real.state.fork.clone()),
        Box::new(real.state.accounting.clone()),
        Box::new(real.state.latest_block_header.clone()),
        Box::new(real.state.validators[0].clone()),
        Box::new(real.state.builders[1].clone()),
        Box::new(real.state.current_justified_checkpoint),
        Box::new(block.clone()),
        Box::new(block.message.clone()),
        Box::new(body.clone()),
    ];
    let mut extra: Vec<Box<dyn Any>> = Vec::new();
    if let Some(a) = body.attestations.first() {
        extra.push(Box::new(a.clone()));
        extra.push(Box::new(a.data));
    }
    if let Some(p) = body.ticket_purchases.first() {
        extra.push(Box::new(p.clone()));
        extra.push(Box::new(p.message.clone()));
    }
    if let Some(p) = body.execution_payload.first() {
        extra.push(Box::new(p.clone()));
        extra.push(Box::new(p.message.clone()));
    }
    if let Some(round) = real.state.ticket_rounds.iter().find(|r| !r.bids.is_empty()) {
        extra.push(Box::new(round.clone()));
        extra.push(Box::new(round.bids[0].clone()));
    }
    if let Some(a) = real
        .state
        .builder_assignments
        .iter()
        .find(|a| a.builder_index != NO_BUILDER)
    {
        extra.push(Box::new(a.clone()));
    }
    candidates
        .into_iter()
        .chain(extra)
        .find_map(|c| c.downcast_ref::<T>().cloned())
}
