//! Payment rules: what each bid is charged when a round closes, what a pool draw
//! charges, and what a sell-back pays out.

use super::allocation::largest_holding;
use super::error::MechanismError;
use etn_types::{AllocationRule, PaymentRule, TicketBid};

/// Per-bid charges for a closed round. The winner pays its own payment, or under
/// `second-price` the runner-up's payment (capped at its own); losers pay everything
/// under `all-pay` and nothing under `winner-pay`.
pub fn round_charges(
    rule: AllocationRule,
    payment: PaymentRule,
    bids: &[TicketBid],
    winner: Option<usize>,
) -> Result<Vec<u64>, MechanismError> {
    let winner_charge = match winner {
        None => None,
        Some(w) => {
            let own = bids
                .get(w)
                .ok_or(MechanismError::IndexOutOfRange {
                    index: w,
                    len: bids.len(),
                })?
                .paid;
            Some(match rule {
                AllocationRule::SecondPrice => {
                    let holdings: Vec<(u64, u64)> =
                        bids.iter().map(|b| (b.builder_index, b.tickets)).collect();
                    largest_holding(&holdings, Some(w))
                        .map(|r| bids[r].paid.min(own))
                        .unwrap_or(0)
                }
                _ => own,
            })
        }
    };
    Ok(bids
        .iter()
        .enumerate()
        .map(|(pos, bid)| match (winner, winner_charge) {
            (Some(w), Some(charge)) if w == pos => charge,
            _ => match payment {
                PaymentRule::AllPay => bid.paid,
                PaymentRule::WinnerPay => 0,
            },
        })
        .collect())
}

/// What drawing one pooled ticket charges its holder: nothing under `all-pay` (the price
/// was collected at purchase), and that ticket's share of the escrow under `winner-pay`
/// (the whole escrow for the last ticket, so no Gwei is ever stranded).
pub fn pool_draw_charge(payment: PaymentRule, escrow: u64, pool_tickets_before: u64) -> u64 {
    match payment {
        PaymentRule::AllPay => 0,
        PaymentRule::WinnerPay if pool_tickets_before <= 1 => escrow,
        PaymentRule::WinnerPay => escrow / pool_tickets_before,
    }
}

/// What selling `tickets` pooled tickets back pays: the current price per ticket under
/// `all-pay` (new issuance: the price was burned at purchase), and their share of the
/// escrow under `winner-pay` (a refund of what was held for them).
pub fn sell_back_payout(
    payment: PaymentRule,
    price: u64,
    escrow: u64,
    pool_tickets: u64,
    tickets: u64,
) -> Result<u64, MechanismError> {
    if tickets > pool_tickets {
        return Err(MechanismError::NotEnoughTickets {
            requested: tickets,
            held: pool_tickets,
        });
    }
    match payment {
        PaymentRule::AllPay => tickets
            .checked_mul(price)
            .ok_or(MechanismError::Overflow("sell-back payout")),
        PaymentRule::WinnerPay if tickets == pool_tickets => Ok(escrow),
        PaymentRule::WinnerPay => {
            let share = u128::from(escrow) * u128::from(tickets) / u128::from(pool_tickets);
            u64::try_from(share).map_err(|_| MechanismError::Overflow("sell-back share"))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pool_escrow_is_fully_charged_over_all_draws() {
        let (mut escrow, mut tickets, mut charged) = (10u64, 3u64, 0u64);
        while tickets > 0 {
            let c = pool_draw_charge(PaymentRule::WinnerPay, escrow, tickets);
            escrow -= c;
            charged += c;
            tickets -= 1;
        }
        assert_eq!((charged, escrow), (10, 0));
    }

    #[test]
    fn sell_back_rules() {
        assert_eq!(
            sell_back_payout(PaymentRule::AllPay, 3, 0, 5, 2).unwrap(),
            6
        );
        assert_eq!(
            sell_back_payout(PaymentRule::WinnerPay, 3, 10, 3, 1).unwrap(),
            3
        );
        assert_eq!(
            sell_back_payout(PaymentRule::WinnerPay, 3, 10, 3, 3).unwrap(),
            10
        );
        assert!(sell_back_payout(PaymentRule::WinnerPay, 3, 10, 3, 4).is_err());
        assert!(sell_back_payout(PaymentRule::AllPay, u64::MAX, 0, 5, 2).is_err());
    }
}
