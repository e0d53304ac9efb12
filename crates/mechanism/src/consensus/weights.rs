//! The integer weight a rule gives to a holding of `tickets` (specs/allocation.md).
//!
//! proportional: `tickets`; uniform: 1; tullock(p/q): `tickets^p` when q = 1, otherwise
//! `floor(2^64 * tickets^(p/q))` computed exactly as the integer q-th root of
//! `tickets^p * 2^(64 q)`. Zero tickets always weigh zero.

use etn_types::AllocationRule;
use num_bigint::BigUint;
use num_traits::{One, Zero};

/// Fractional bits kept by Tullock weights with a non-integer exponent.
pub const TULLOCK_FRACTION_BITS: u64 = 64;

/// A weight: small rules fit in 128 bits, Tullock weights need arbitrary precision.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub enum TicketWeight {
    Small(u128),
    Big(BigUint),
}

impl TicketWeight {
    pub fn is_zero(&self) -> bool {
        match self {
            Self::Small(w) => *w == 0,
            Self::Big(w) => w.is_zero(),
        }
    }

    pub fn to_big(&self) -> BigUint {
        match self {
            Self::Small(w) => BigUint::from(*w),
            Self::Big(w) => w.clone(),
        }
    }
}

/// The weight of a holding under a lottery rule; `None` for rules that do not draw
/// (winner-take-all and second-price pick the largest holding instead).
pub fn ticket_weight(rule: AllocationRule, tickets: u64) -> Option<TicketWeight> {
    if tickets == 0 {
        return Some(match rule {
            AllocationRule::Tullock { .. } => TicketWeight::Big(BigUint::zero()),
            _ => TicketWeight::Small(0),
        });
    }
    match rule {
        AllocationRule::Proportional => Some(TicketWeight::Small(tickets as u128)),
        AllocationRule::Uniform => Some(TicketWeight::Small(1)),
        AllocationRule::Tullock {
            numerator,
            denominator,
        } => Some(TicketWeight::Big(tullock_weight(
            tickets,
            numerator,
            denominator,
        ))),
        AllocationRule::WinnerTakeAll | AllocationRule::SecondPrice => None,
    }
}

/// `tickets^p` for q = 1, else `floor(2^64 * tickets^(p/q))`.
pub fn tullock_weight(tickets: u64, numerator: u64, denominator: u64) -> BigUint {
    if tickets == 0 {
        return BigUint::zero();
    }
    // The config bounds p <= 128 and q <= 16, so these conversions cannot truncate.
    let p = u32::try_from(numerator).unwrap_or(u32::MAX);
    let q = u32::try_from(denominator).unwrap_or(u32::MAX).max(1);
    let power = BigUint::from(tickets).pow(p);
    if q == 1 {
        return power;
    }
    let scaled = power << (TULLOCK_FRACTION_BITS * u64::from(q));
    integer_root(&scaled, q)
}

/// The largest `y` with `y^q <= x`.
pub fn integer_root(x: &BigUint, q: u32) -> BigUint {
    if q <= 1 || x.is_zero() || x.is_one() {
        return x.clone();
    }
    x.nth_root(q)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn integer_root_is_floor() {
        for x in [2u64, 3, 8, 9, 26, 27, 28, 1 << 40, u64::MAX] {
            for q in 2..6u32 {
                let x = BigUint::from(x);
                let y = integer_root(&x, q);
                assert!(y.pow(q) <= x);
                assert!((y + 1u8).pow(q) > x);
            }
        }
    }

    #[test]
    fn tullock_weights_match_hand_values() {
        // alpha = 2: exact squares.
        assert_eq!(tullock_weight(3, 2, 1), BigUint::from(9u8));
        // alpha = 1/2 of 4 tickets: exactly 2 * 2^64.
        assert_eq!(tullock_weight(4, 1, 2), BigUint::from(2u8) << 64);
        // alpha = 1/2 of 2 tickets: floor(sqrt(2) * 2^64) = 26087635650665564424.
        assert_eq!(
            tullock_weight(2, 1, 2),
            "26087635650665564424".parse::<BigUint>().unwrap()
        );
        assert_eq!(tullock_weight(0, 3, 2), BigUint::zero());
    }

    #[test]
    fn zero_tickets_weigh_nothing_under_every_lottery() {
        for rule in [
            AllocationRule::Proportional,
            AllocationRule::Uniform,
            AllocationRule::Tullock {
                numerator: 0,
                denominator: 1,
            },
        ] {
            assert!(ticket_weight(rule, 0).unwrap().is_zero());
        }
        assert!(ticket_weight(AllocationRule::WinnerTakeAll, 5).is_none());
    }
}
