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

/// The share of `pool_paid` that belongs to `tickets` of a holding of `held` tickets:
/// the average cost, rounded down, except that the last tickets take the remainder, so
/// every Gwei paid is accounted for exactly once.
pub fn cost_share(pool_paid: u64, held: u64, tickets: u64) -> Result<u64, MechanismError> {
    if tickets > held {
        return Err(MechanismError::NotEnoughTickets {
            requested: tickets,
            held,
        });
    }
    if tickets == held {
        return Ok(pool_paid);
    }
    let share = u128::from(pool_paid) * u128::from(tickets) / u128::from(held);
    u64::try_from(share).map_err(|_| MechanismError::Overflow("cost share"))
}

/// What drawing one pooled ticket does to its holder's `pool_paid`: returns
/// `(removed_from_pool_paid, charged)`. The drawn ticket's cost share leaves `pool_paid`;
/// under winner-pay it is charged now (moved to the payment destination), under all-pay
/// it was charged at purchase.
pub fn pool_draw_charge(
    payment: PaymentRule,
    pool_paid: u64,
    held: u64,
) -> Result<(u64, u64), MechanismError> {
    let share = cost_share(pool_paid, held, 1)?;
    Ok(match payment {
        PaymentRule::AllPay => (share, 0),
        PaymentRule::WinnerPay => (share, share),
    })
}

/// What selling `tickets` pooled tickets back pays, and how much of `pool_paid` they
/// take: `(removed_from_pool_paid, payout)`. Under winner-pay the payout is the tickets'
/// escrowed cost (a refund). Under all-pay it is the current price, capped at what the
/// tickets cost, so that buying (which raises an EIP-1559 price) and selling back can
/// never mint money.
pub fn sell_back_payout(
    payment: PaymentRule,
    price: u64,
    pool_paid: u64,
    held: u64,
    tickets: u64,
) -> Result<(u64, u64), MechanismError> {
    let share = cost_share(pool_paid, held, tickets)?;
    Ok(match payment {
        PaymentRule::WinnerPay => (share, share),
        PaymentRule::AllPay => {
            let at_price = u128::from(tickets) * u128::from(price);
            let payout = u64::try_from(at_price.min(u128::from(share))).unwrap_or(share);
            (share, payout)
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pool_cost_is_fully_accounted_over_all_draws() {
        let (mut paid, mut tickets, mut charged) = (10u64, 3u64, 0u64);
        while tickets > 0 {
            let (removed, c) = pool_draw_charge(PaymentRule::WinnerPay, paid, tickets).unwrap();
            assert_eq!(removed, c);
            paid -= removed;
            charged += c;
            tickets -= 1;
        }
        assert_eq!((charged, paid), (10, 0));
        // All-pay: the cost leaves pool_paid but nothing is charged again.
        assert_eq!(
            pool_draw_charge(PaymentRule::AllPay, 10, 3).unwrap(),
            (3, 0)
        );
    }

    #[test]
    fn sell_back_never_pays_more_than_the_tickets_cost() {
        // All-pay at a price below cost: the current price.
        assert_eq!(
            sell_back_payout(PaymentRule::AllPay, 1, 30, 10, 2).unwrap(),
            (6, 2)
        );
        // All-pay after the price rose above cost: capped at cost (no minting).
        assert_eq!(
            sell_back_payout(PaymentRule::AllPay, 13, 1000, 1000, 999).unwrap(),
            (999, 999)
        );
        // Winner-pay: the escrowed cost comes back.
        assert_eq!(
            sell_back_payout(PaymentRule::WinnerPay, 3, 10, 3, 1).unwrap(),
            (3, 3)
        );
        assert_eq!(
            sell_back_payout(PaymentRule::WinnerPay, 3, 10, 3, 3).unwrap(),
            (10, 10)
        );
        assert!(sell_back_payout(PaymentRule::WinnerPay, 3, 10, 3, 4).is_err());
        assert_eq!(
            sell_back_payout(PaymentRule::AllPay, u64::MAX, 5, 5, 2).unwrap(),
            (2, 2)
        );
    }
}
