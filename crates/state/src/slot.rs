//! `process_slots`: advance a state through empty slots, running epoch processing at
//! epoch boundaries and the ticket work of every slot; and the builder assignment that
//! each slot makes `ticket_lookahead` slots ahead.

use crate::accessors::{get_ticket_seed, slots_per_epoch};
use crate::accounting::collect_payment;
use crate::block::payload::mark_missed;
use crate::epoch::process_epoch;
use crate::error::StateError;
use crate::math::{add, sub};
use crate::validity::check_state_shape;
use etn_mechanism::consensus::payment::pool_draw_charge;
use etn_mechanism::consensus::pricing::{PriceParams, next_ticket_price};
use etn_mechanism::consensus::{close_round, draw_from_pool};
use etn_types::ssz::{hash_tree_root, hash_tree_root_mut};
use etn_types::*;

/// Advances `state` to `slot`. On error the state may be partly advanced; the atomic
/// entry point is `state_transition`, and callers that advance on their own use a copy.
///
/// The cost is linear in `slot - state.slot` (every empty slot is processed), so callers
/// facing outside input must bound the gap first — nodes refuse blocks from slots that
/// their clock has not reached.
pub fn process_slots(state: &mut BeaconState, slot: Slot) -> Result<(), StateError> {
    if state.slot >= slot {
        return Err(StateError::SlotNotInFuture {
            state_slot: state.slot,
            target: slot,
        });
    }
    let mechanism = check_state_shape(state)?;
    while state.slot < slot {
        // A slot without a block still assigns its builder, with the mix unchanged.
        if state.latest_block_header.slot < state.slot {
            process_builder_assignment(state, &mechanism)?;
        }
        process_slot(state)?;
        if (state.slot + 1).is_multiple_of(slots_per_epoch(state)) {
            process_epoch(state, &mechanism)?;
        }
        state.slot = add(state.slot, 1, "slot")?;
        process_ticket_slot(state, &mechanism)?;
    }
    Ok(())
}

/// Caches the state and block roots of the slot that is ending (phase0's `process_slot`).
pub fn process_slot(state: &mut BeaconState) -> Result<(), StateError> {
    let index = (state.slot % SLOTS_PER_HISTORICAL_ROOT as u64) as usize;
    let previous_state_root = hash_tree_root_mut(state)?;
    state.state_roots[index] = previous_state_root;
    if state.latest_block_header.state_root == Root::ZERO {
        state.latest_block_header.state_root = previous_state_root;
    }
    state.block_roots[index] = hash_tree_root(&state.latest_block_header)?;
    Ok(())
}

/// The ticket work at the start of a slot: settle the previous slot's payload, reprice,
/// and open the slot's revenue bucket.
pub fn process_ticket_slot(
    state: &mut BeaconState,
    mechanism: &Mechanism,
) -> Result<(), StateError> {
    if state.slot > 0 {
        mark_missed(state, state.slot - 1)?;
    }
    let config = &state.config;
    let params = PriceParams {
        base_price: config.base_ticket_price,
        target_per_slot: config.target_tickets_per_slot,
        adjustment_quotient: config.price_adjustment_quotient,
    };
    state.ticket_price = next_ticket_price(
        mechanism.pricing,
        state.ticket_price,
        state.accounting.tickets_sold_in_slot,
        params,
    );
    state.accounting.tickets_sold_in_slot = 0;
    state.slot_revenue[(state.slot % SLOTS_PER_HISTORICAL_ROOT as u64) as usize] = 0;
    Ok(())
}

/// Closes the round (or draws from the pool) for slot `state.slot + ticket_lookahead`.
///
/// It runs inside the slot's block, after the RANDAO reveal and before the block's
/// operations, or at the end of a slot that has no block. So the proposer who knows the
/// reveal cannot change the tickets it draws over (its own purchases and sales come after
/// the draw), and the proposers who included those tickets did not know the reveal. What
/// is left is RANDAO's usual bias: a proposer may withhold its block, and when a slot
/// ends empty the draw uses the mix of the block before it, whose proposer could have
/// predicted that seed had it also known the slot would be empty.
pub fn process_builder_assignment(
    state: &mut BeaconState,
    mechanism: &Mechanism,
) -> Result<(), StateError> {
    let target = add(state.slot, state.config.ticket_lookahead, "target slot")?;
    let assignment = match mechanism.lifetime {
        TicketLifetime::Round => close_ticket_round(state, target, mechanism)?,
        TicketLifetime::Pool => draw_ticket(state, target, mechanism)?,
    };
    if assignment.builder_index != NO_BUILDER {
        let winner = &mut state.builders[assignment.builder_index as usize];
        winner.slots_won = winner.slots_won.saturating_add(1);
    }
    state.builder_assignments[(target % ASSIGNMENT_HISTORY as u64) as usize] = assignment;
    Ok(())
}

fn unassigned(slot: Slot) -> BuilderAssignment {
    BuilderAssignment {
        slot,
        builder_index: NO_BUILDER,
        revenue: 0,
        payload_status: payload_status::UNASSIGNED,
        inflow: 0,
    }
}

/// Closes the round for `target`: picks the winner, charges and refunds every bid.
fn close_ticket_round(
    state: &mut BeaconState,
    target: Slot,
    mechanism: &Mechanism,
) -> Result<BuilderAssignment, StateError> {
    let index = (target % TICKET_ROUND_SLOTS as u64) as usize;
    if state.ticket_rounds[index].slot != target || state.ticket_rounds[index].bids.is_empty() {
        return Ok(unassigned(target));
    }
    let seed = get_ticket_seed(state, target);
    let bids: Vec<TicketBid> = state.ticket_rounds[index].bids.to_vec();
    let outcome = close_round(mechanism.allocation, mechanism.payment, &bids, &seed)?;
    let revenue = outcome.revenue()?;
    for (bid, charge) in bids.iter().zip(&outcome.charges) {
        let refund = sub(bid.paid, *charge, "refund")?;
        if refund == 0 {
            continue;
        }
        let position = bid.builder_index as usize;
        if position >= state.builders.len() {
            return Err(StateError::UnknownBuilder(bid.builder_index));
        }
        let builder = &mut state.builders[position];
        builder.balance = add(builder.balance, refund, "builder balance")?;
        state.accounting.total_refunded = add(state.accounting.total_refunded, refund, "refunds")?;
    }
    collect_payment(state, mechanism.destination, revenue)?;
    state.ticket_rounds[index] = TicketRound::default();
    Ok(match outcome.winner {
        Some(w) => BuilderAssignment {
            slot: target,
            builder_index: bids[w].builder_index,
            revenue,
            payload_status: payload_status::PENDING,
            inflow: 0,
        },
        None => BuilderAssignment {
            revenue,
            ..unassigned(target)
        },
    })
}

/// Draws one pooled ticket for `target` and consumes it.
fn draw_ticket(
    state: &mut BeaconState,
    target: Slot,
    mechanism: &Mechanism,
) -> Result<BuilderAssignment, StateError> {
    let pool: Vec<u64> = state.builders.iter().map(|b| b.pool_tickets).collect();
    let seed = get_ticket_seed(state, target);
    let Some(winner) = draw_from_pool(mechanism.allocation, &pool, &seed)? else {
        return Ok(unassigned(target));
    };
    let builder = &mut state.builders[winner];
    let (removed, charge) =
        pool_draw_charge(mechanism.payment, builder.pool_paid, builder.pool_tickets)?;
    builder.pool_tickets = sub(builder.pool_tickets, 1, "pool tickets")?;
    builder.pool_paid = sub(builder.pool_paid, removed, "pool cost")?;
    collect_payment(state, mechanism.destination, charge)?;
    Ok(BuilderAssignment {
        slot: target,
        builder_index: winner as u64,
        revenue: charge,
        payload_status: payload_status::PENDING,
        inflow: 0,
    })
}
