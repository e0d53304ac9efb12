//! Closing a round and drawing from the pool: who wins, and what each bid is charged.

use super::error::MechanismError;
use super::payment::round_charges;
use super::weight_index::{IndexWeight, WeightIndex};
use super::weights::{TicketWeight, ticket_weight};
use etn_types::{AllocationRule, PaymentRule, TicketBid};
use num_bigint::BigUint;

/// The result of closing one round.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RoundOutcome {
    /// Position of the winning bid in the round's bid list, if any bid can win.
    pub winner: Option<usize>,
    /// What each bid is charged, in bid order; the rest of each bid's payment is refunded.
    pub charges: Vec<u64>,
}

impl RoundOutcome {
    /// Total moved to the payment destination: the protocol's revenue for the slot.
    pub fn revenue(&self) -> Result<u64, MechanismError> {
        self.charges.iter().try_fold(0u64, |acc, c| {
            acc.checked_add(*c)
                .ok_or(MechanismError::Overflow("round revenue"))
        })
    }
}

/// Picks the winner of a round (bids sorted by builder index) and its charges.
pub fn close_round(
    rule: AllocationRule,
    payment: PaymentRule,
    bids: &[TicketBid],
    seed: &[u8; 32],
) -> Result<RoundOutcome, MechanismError> {
    let holdings: Vec<(u64, u64)> = bids.iter().map(|b| (b.builder_index, b.tickets)).collect();
    let winner = pick_winner(rule, &holdings, seed)?;
    let charges = round_charges(rule, payment, bids, winner)?;
    Ok(RoundOutcome { winner, charges })
}

/// Draws the builder for a slot from the pool; `pool_tickets[i]` is builder `i`'s count.
pub fn draw_from_pool(
    rule: AllocationRule,
    pool_tickets: &[u64],
    seed: &[u8; 32],
) -> Result<Option<usize>, MechanismError> {
    let holdings: Vec<(u64, u64)> = pool_tickets
        .iter()
        .enumerate()
        .map(|(i, t)| (i as u64, *t))
        .collect();
    pick_winner(rule, &holdings, seed)
}

/// `holdings` are `(builder_index, tickets)` in the order the spec scans them.
fn pick_winner(
    rule: AllocationRule,
    holdings: &[(u64, u64)],
    seed: &[u8; 32],
) -> Result<Option<usize>, MechanismError> {
    match rule {
        AllocationRule::WinnerTakeAll | AllocationRule::SecondPrice => {
            Ok(largest_holding(holdings, None))
        }
        AllocationRule::Proportional | AllocationRule::Uniform => {
            let weights = holdings
                .iter()
                .map(|(_, t)| match ticket_weight(rule, *t) {
                    Some(TicketWeight::Small(w)) => w,
                    _ => 0,
                })
                .collect();
            draw(weights, seed)
        }
        AllocationRule::Tullock { .. } => {
            let weights = holdings
                .iter()
                .map(|(_, t)| {
                    ticket_weight(rule, *t)
                        .map(|w| w.to_big())
                        .unwrap_or_default()
                })
                .collect::<Vec<BigUint>>();
            draw(weights, seed)
        }
    }
}

fn draw<W: IndexWeight>(weights: Vec<W>, seed: &[u8; 32]) -> Result<Option<usize>, MechanismError> {
    Ok(WeightIndex::new(weights)?.sample(seed))
}

/// Position of the largest holding with at least one ticket, ties to the lower builder
/// index; `exclude` skips one position (to find the runner-up).
pub fn largest_holding(holdings: &[(u64, u64)], exclude: Option<usize>) -> Option<usize> {
    let mut best: Option<usize> = None;
    for (pos, &(builder, tickets)) in holdings.iter().enumerate() {
        if Some(pos) == exclude || tickets == 0 {
            continue;
        }
        let better = match best {
            None => true,
            Some(b) => {
                let (best_builder, best_tickets) = holdings[b];
                tickets > best_tickets || (tickets == best_tickets && builder < best_builder)
            }
        };
        if better {
            best = Some(pos);
        }
    }
    best
}

#[cfg(test)]
mod tests {
    use super::*;

    fn bid(builder_index: u64, tickets: u64) -> TicketBid {
        TicketBid {
            builder_index,
            tickets,
            paid: tickets,
        }
    }

    #[test]
    fn winner_take_all_ties_go_to_lower_index() {
        let bids = [bid(3, 5), bid(7, 9), bid(8, 9)];
        let out = close_round(
            AllocationRule::WinnerTakeAll,
            PaymentRule::WinnerPay,
            &bids,
            &[0; 32],
        )
        .unwrap();
        assert_eq!(out.winner, Some(1));
        assert_eq!(out.charges, vec![0, 9, 0]);
        // All-pay: losers pay too.
        let out = close_round(
            AllocationRule::WinnerTakeAll,
            PaymentRule::AllPay,
            &bids,
            &[0; 32],
        )
        .unwrap();
        assert_eq!(out.charges, vec![5, 9, 9]);
        assert_eq!(out.revenue().unwrap(), 23);
    }

    #[test]
    fn second_price_charges_runner_up_bid() {
        let bids = [bid(0, 4), bid(1, 10), bid(2, 6)];
        let out = close_round(
            AllocationRule::SecondPrice,
            PaymentRule::WinnerPay,
            &bids,
            &[0; 32],
        )
        .unwrap();
        assert_eq!(out.winner, Some(1));
        assert_eq!(out.charges, vec![0, 6, 0]);
        // A lone bidder meets no competition and pays nothing.
        let out = close_round(
            AllocationRule::SecondPrice,
            PaymentRule::WinnerPay,
            &bids[..1],
            &[0; 32],
        )
        .unwrap();
        assert_eq!(out.charges, vec![0]);
    }

    #[test]
    fn empty_rounds_have_no_winner() {
        let out = close_round(
            AllocationRule::Proportional,
            PaymentRule::AllPay,
            &[],
            &[0; 32],
        )
        .unwrap();
        assert_eq!(out.winner, None);
        assert!(out.charges.is_empty());
        assert_eq!(
            draw_from_pool(AllocationRule::Uniform, &[0, 0], &[1; 32]).unwrap(),
            None
        );
    }

    #[test]
    fn tullock_one_equals_proportional_draw_for_draw() {
        let bids = [bid(0, 2), bid(1, 1), bid(4, 7)];
        for s in 0..50u8 {
            let seed = [s; 32];
            let a = close_round(
                AllocationRule::Proportional,
                PaymentRule::AllPay,
                &bids,
                &seed,
            )
            .unwrap();
            let b = close_round(
                AllocationRule::Tullock {
                    numerator: 1,
                    denominator: 1,
                },
                PaymentRule::AllPay,
                &bids,
                &seed,
            )
            .unwrap();
            assert_eq!(a, b);
        }
    }
}
