//! Ticket purchases and sell-backs. Every check runs before anything is written, so a
//! rejected operation leaves the state exactly as it was.

use crate::accessors::get_current_epoch;
use crate::accounting::collect_payment;
use crate::error::{SignedObject, StateError};
use crate::math::add;
use crate::signatures::{SignatureVerifier, signing_root};
use etn_mechanism::consensus::MechanismError;
use etn_mechanism::consensus::payment::sell_back_payout;
use etn_types::*;

/// The purchase window for `op.target_slot` at the state's slot, as `(earliest, latest)`.
pub fn purchase_window(state: &BeaconState, lifetime: TicketLifetime) -> (Slot, Slot) {
    let config = &state.config;
    match lifetime {
        // The round for slot + lookahead closes in this very block, before its operations;
        // the next `round_window` rounds are open.
        TicketLifetime::Round => {
            let earliest = state
                .slot
                .saturating_add(config.ticket_lookahead)
                .saturating_add(1);
            let latest = earliest.saturating_add(config.round_window - 1);
            (earliest, latest)
        }
        // A pool purchase's target slot is its expiry: it must not have passed.
        TicketLifetime::Pool => (state.slot, state.slot.saturating_add(config.round_window)),
    }
}

/// The most rounds one purchase may stand in: a round-lifetime purchase may bid in every
/// open round at once, a pool purchase names no round and always says 1. Gossip uses it to
/// reject purchases that no block could ever include.
pub fn max_purchase_rounds(config: &ChainConfig, lifetime: TicketLifetime) -> u64 {
    match lifetime {
        TicketLifetime::Round => config.round_window,
        TicketLifetime::Pool => 1,
    }
}

pub fn process_buy_tickets(
    state: &mut BeaconState,
    signed: &SignedBuyTickets,
    mechanism: &Mechanism,
    verifier: &mut SignatureVerifier<'_>,
) -> Result<(), StateError> {
    let op = &signed.message;
    let builder = state
        .builders
        .get(op.builder_index as usize)
        .ok_or(StateError::UnknownBuilder(op.builder_index))?;
    if op.nonce != builder.nonce {
        return Err(StateError::BadNonce {
            expected: builder.nonce,
            got: op.nonce,
        });
    }
    let next_nonce = add(builder.nonce, 1, "builder nonce")?;
    if op.tickets == 0 {
        return Err(StateError::ZeroTickets);
    }
    // More rounds than the window holds are an `OutsideWindow` below, naming the first
    // round that falls outside.
    let rounds_allowed = match mechanism.lifetime {
        TicketLifetime::Round => op.rounds >= 1,
        TicketLifetime::Pool => op.rounds == 1,
    };
    if !rounds_allowed {
        return Err(StateError::InvalidRounds { rounds: op.rounds });
    }
    let price = state.ticket_price;
    if price > op.max_price {
        return Err(StateError::PriceAboveLimit {
            price,
            limit: op.max_price,
        });
    }
    // What one round's bid costs, and what the whole order costs now.
    let cost = op
        .tickets
        .checked_mul(price)
        .ok_or(StateError::AmountOverflow)?;
    let total_cost = cost
        .checked_mul(op.rounds)
        .ok_or(StateError::AmountOverflow)?;
    let total_tickets = op
        .tickets
        .checked_mul(op.rounds)
        .ok_or(StateError::AmountOverflow)?;
    let (earliest, latest) = purchase_window(state, mechanism.lifetime);
    let last_target = op
        .target_slot
        .checked_add(op.rounds - 1)
        .ok_or(StateError::AmountOverflow)?;
    for target in [op.target_slot, last_target] {
        if target < earliest || target > latest {
            return Err(StateError::OutsideWindow {
                target,
                earliest,
                latest,
            });
        }
    }
    if builder.balance < total_cost {
        return Err(StateError::InsufficientBalance {
            needed: total_cost,
            available: builder.balance,
        });
    }
    // Where the tickets go, checked before any write: each round's ring entry and the
    // builder's place among its bids (the rounds are distinct entries, as the window is
    // no longer than the ring).
    let bid_positions = match mechanism.lifetime {
        TicketLifetime::Round => {
            let mut positions = Vec::with_capacity(op.rounds as usize);
            for target in op.target_slot..=last_target {
                let round = &state.ticket_rounds[round_index(target)];
                if !round.bids.is_empty() && round.slot != target {
                    return Err(StateError::MalformedState(
                        "round ring entry holds another slot",
                    ));
                }
                let position = round
                    .bids
                    .binary_search_by_key(&op.builder_index, |b| b.builder_index);
                match position {
                    Ok(i) => {
                        let bid = &round.bids[i];
                        add(bid.tickets, op.tickets, "bid tickets")
                            .map_err(|_| StateError::AmountOverflow)?;
                        add(bid.paid, cost, "bid payment")
                            .map_err(|_| StateError::AmountOverflow)?;
                    }
                    Err(_) if round.bids.len() >= MAX_BIDS_PER_ROUND => {
                        return Err(StateError::RoundFull(target));
                    }
                    Err(_) => {}
                }
                positions.push((target, position));
            }
            positions
        }
        TicketLifetime::Pool => {
            add(builder.pool_tickets, op.tickets, "pool tickets")
                .map_err(|_| StateError::AmountOverflow)?;
            add(builder.pool_paid, cost, "pool cost").map_err(|_| StateError::AmountOverflow)?;
            Vec::new()
        }
    };
    // Destination totals must have room too (all-pay pool collects at purchase).
    let collects_now =
        mechanism.lifetime == TicketLifetime::Pool && mechanism.payment == PaymentRule::AllPay;
    if collects_now {
        check_destination_room(state, mechanism.destination, cost)?;
    }
    let signers = verifier
        .cache()
        .builder(op.builder_index)
        .into_iter()
        .collect();
    let epoch = get_current_epoch(state);
    verifier.check(SignedObject::BuyTickets, &signed.signature, signers, || {
        signing_root(state, op, DOMAIN_BUY_TICKETS, epoch)
    })?;

    // ---- all checks passed: apply ----
    let builder = &mut state.builders[op.builder_index as usize];
    builder.balance -= total_cost;
    builder.nonce = next_nonce;
    match mechanism.lifetime {
        TicketLifetime::Round => {
            for (target, position) in bid_positions {
                let round = &mut state.ticket_rounds[round_index(target)];
                round.slot = target;
                match position {
                    Ok(i) => {
                        let bid = &mut round.bids[i];
                        bid.tickets += op.tickets;
                        bid.paid += cost;
                    }
                    Err(i) => {
                        let mut bids: Vec<TicketBid> = round.bids.to_vec();
                        bids.insert(
                            i,
                            TicketBid {
                                builder_index: op.builder_index,
                                tickets: op.tickets,
                                paid: cost,
                            },
                        );
                        round.bids = bids.try_into().map_err(|_| StateError::RoundFull(target))?;
                    }
                }
            }
        }
        TicketLifetime::Pool => {
            builder.pool_tickets += op.tickets;
            builder.pool_paid += cost;
            if mechanism.payment == PaymentRule::AllPay {
                collect_payment(state, mechanism.destination, cost)?;
            }
        }
    }
    let acc = &mut state.accounting;
    acc.tickets_sold = acc.tickets_sold.saturating_add(total_tickets);
    acc.tickets_sold_in_slot = acc.tickets_sold_in_slot.saturating_add(total_tickets);
    Ok(())
}

/// The ring entry of the round for `target`.
fn round_index(target: Slot) -> usize {
    (target % TICKET_ROUND_SLOTS as u64) as usize
}

fn check_destination_room(
    state: &BeaconState,
    destination: PaymentDestination,
    amount: Gwei,
) -> Result<(), StateError> {
    let acc = &state.accounting;
    let total = match destination {
        PaymentDestination::Burn => acc.total_burned,
        PaymentDestination::Smooth => acc.smoothing_pool,
    };
    let slot_revenue = state.slot_revenue[(state.slot % SLOTS_PER_HISTORICAL_ROOT as u64) as usize];
    add(total, amount, "payment destination")?;
    add(slot_revenue, amount, "slot revenue")?;
    Ok(())
}

pub fn process_sell_tickets(
    state: &mut BeaconState,
    signed: &SignedSellTickets,
    mechanism: &Mechanism,
    verifier: &mut SignatureVerifier<'_>,
) -> Result<(), StateError> {
    if mechanism.lifetime != TicketLifetime::Pool || !mechanism.sell_back {
        return Err(StateError::SellBackDisabled);
    }
    let op = &signed.message;
    let builder = state
        .builders
        .get(op.builder_index as usize)
        .ok_or(StateError::UnknownBuilder(op.builder_index))?;
    if op.nonce != builder.nonce {
        return Err(StateError::BadNonce {
            expected: builder.nonce,
            got: op.nonce,
        });
    }
    let next_nonce = add(builder.nonce, 1, "builder nonce")?;
    if op.tickets == 0 {
        return Err(StateError::ZeroTickets);
    }
    let (removed, payout) = sell_back_payout(
        mechanism.payment,
        state.ticket_price,
        builder.pool_paid,
        builder.pool_tickets,
        op.tickets,
    )
    .map_err(|e| match e {
        MechanismError::NotEnoughTickets { requested, held } => {
            StateError::NotEnoughTickets { requested, held }
        }
        other => StateError::Mechanism(other),
    })?;
    let floor = u128::from(op.min_price) * u128::from(op.tickets);
    if u128::from(payout) < floor {
        return Err(StateError::PriceBelowLimit {
            payout,
            tickets: op.tickets,
            limit: op.min_price,
        });
    }
    add(builder.balance, payout, "builder balance")?;
    if mechanism.payment == PaymentRule::AllPay {
        add(
            state.accounting.total_sell_back_paid,
            payout,
            "sell-back total",
        )?;
    } else {
        add(state.accounting.total_refunded, payout, "refund total")?;
    }
    let signers = verifier
        .cache()
        .builder(op.builder_index)
        .into_iter()
        .collect();
    let epoch = get_current_epoch(state);
    verifier.check(
        SignedObject::SellTickets,
        &signed.signature,
        signers,
        || signing_root(state, op, DOMAIN_SELL_TICKETS, epoch),
    )?;

    // ---- apply ----
    let builder = &mut state.builders[op.builder_index as usize];
    builder.balance += payout;
    builder.pool_tickets -= op.tickets;
    builder.pool_paid -= removed;
    builder.nonce = next_nonce;
    let acc = &mut state.accounting;
    match mechanism.payment {
        // The price was collected at purchase: paying some back is new issuance.
        PaymentRule::AllPay => acc.total_sell_back_paid += payout,
        // The payment was held in escrow: hand it back.
        PaymentRule::WinnerPay => acc.total_refunded += payout,
    }
    // Tickets sold back are negative demand: buying and selling back in one slot must
    // not push an EIP-1559 price up for free.
    acc.tickets_sold_in_slot = acc.tickets_sold_in_slot.saturating_sub(op.tickets);
    Ok(())
}
