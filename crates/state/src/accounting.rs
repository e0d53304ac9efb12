//! Where payments go, and the identity that makes the chain an auditable closed economy.

use crate::error::StateError;
use crate::math::add;
use etn_types::*;

/// Moves `amount` (already taken from a balance or escrow) to the payment destination
/// and records it as revenue of the current slot.
pub fn collect_payment(
    state: &mut BeaconState,
    destination: PaymentDestination,
    amount: Gwei,
) -> Result<(), StateError> {
    if amount == 0 {
        return Ok(());
    }
    let acc = &mut state.accounting;
    match destination {
        PaymentDestination::Burn => acc.total_burned = add(acc.total_burned, amount, "burn")?,
        PaymentDestination::Smooth => {
            acc.smoothing_pool = add(acc.smoothing_pool, amount, "smoothing pool")?
        }
    }
    let slot_index = (state.slot % SLOTS_PER_HISTORICAL_ROOT as u64) as usize;
    state.slot_revenue[slot_index] = add(state.slot_revenue[slot_index], amount, "slot revenue")?;
    Ok(())
}

/// Both sides of the accounting identity, in 128 bits so the check itself cannot overflow.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct AccountingSides {
    /// Σ validator balances + Σ builder balances + escrow + smoothing pool + total burned.
    pub held: u128,
    /// genesis supply + total execution inflow + total sell-back paid.
    pub issued: u128,
    /// Payments held for open rounds and pooled tickets (the "pending refunds").
    pub escrow: u128,
}

impl AccountingSides {
    pub fn holds(&self) -> bool {
        self.held == self.issued
    }
}

pub fn accounting_sides(state: &BeaconState) -> AccountingSides {
    let validators: u128 = state.balances.iter().map(|b| u128::from(*b)).sum();
    let builders: u128 = state.builders.iter().map(|b| u128::from(b.balance)).sum();
    let round_escrow: u128 = state
        .ticket_rounds
        .iter()
        .flat_map(|r| r.bids.iter())
        .map(|b| u128::from(b.paid))
        .sum();
    // Pooled tickets' cost is held only under winner-pay; under all-pay it was collected
    // at purchase and `pool_paid` is just the cost basis that caps sell-backs.
    let winner_pay = state
        .config
        .mechanism()
        .is_ok_and(|m| m.lifetime == TicketLifetime::Pool && m.payment == PaymentRule::WinnerPay);
    let pool_escrow: u128 = if winner_pay {
        state.builders.iter().map(|b| u128::from(b.pool_paid)).sum()
    } else {
        0
    };
    let acc = &state.accounting;
    let escrow = round_escrow + pool_escrow;
    AccountingSides {
        held: validators
            + builders
            + escrow
            + u128::from(acc.smoothing_pool)
            + u128::from(acc.total_burned),
        issued: u128::from(acc.genesis_supply)
            + u128::from(acc.total_execution_inflow)
            + u128::from(acc.total_sell_back_paid),
        escrow,
    }
}
