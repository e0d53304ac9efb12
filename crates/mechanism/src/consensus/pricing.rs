//! Ticket pricing: a posted price, or an EIP-1559-style price that moves toward a target
//! number of tickets sold per slot.

use etn_types::PricingRule;

/// Inputs of the price update, all from the chain config and the previous slot.
#[derive(Debug, Clone, Copy)]
pub struct PriceParams {
    pub base_price: u64,
    pub target_per_slot: u64,
    pub adjustment_quotient: u64,
}

/// The price for the next slot, given the price and sales of the slot just ended.
///
/// Above target the price rises by `price * min(sold - target, target) / target /
/// quotient`, at least 1 Gwei; below it falls by `price * (target - sold) / target /
/// quotient` but never under the base price. Counting the excess only up to the target
/// bounds a slot's move to `1/quotient` of the price either way, as EIP-1559 bounds it by
/// the block's gas limit: a burst of purchases cannot jump the price in one slot.
/// Intermediate products use 128 bits, so no input overflows; the result saturates at
/// `u64::MAX`.
pub fn next_ticket_price(rule: PricingRule, price: u64, sold: u64, params: PriceParams) -> u64 {
    match rule {
        PricingRule::Fixed => params.base_price,
        PricingRule::Eip1559 => {
            let target = u128::from(params.target_per_slot.max(1));
            let quotient = u128::from(params.adjustment_quotient.max(1));
            let price_wide = u128::from(price);
            let sold = u128::from(sold);
            if sold > target {
                let excess = (sold - target).min(target);
                let delta = (price_wide * excess / target / quotient).max(1);
                u64::try_from(price_wide + delta).unwrap_or(u64::MAX)
            } else {
                let delta = price_wide * (target - sold) / target / quotient;
                let lowered = u64::try_from(price_wide - delta.min(price_wide)).unwrap_or(0);
                lowered.max(params.base_price)
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const P: PriceParams = PriceParams {
        base_price: 10,
        target_per_slot: 100,
        adjustment_quotient: 8,
    };

    #[test]
    fn eip1559_moves_toward_target() {
        assert_eq!(next_ticket_price(PricingRule::Eip1559, 1000, 100, P), 1000);
        // 200 sold: +1000 * 100 / 100 / 8 = +125.
        assert_eq!(next_ticket_price(PricingRule::Eip1559, 1000, 200, P), 1125);
        // A burst far above target moves the price no more than twice the target does.
        assert_eq!(
            next_ticket_price(PricingRule::Eip1559, 1000, 1_000_000, P),
            1125
        );
        // 0 sold: -1000 / 8 = -125.
        assert_eq!(next_ticket_price(PricingRule::Eip1559, 1000, 0, P), 875);
        // Never below the base price; always up by at least one.
        assert_eq!(next_ticket_price(PricingRule::Eip1559, 10, 0, P), 10);
        assert_eq!(next_ticket_price(PricingRule::Eip1559, 10, 101, P), 11);
        assert_eq!(
            next_ticket_price(PricingRule::Eip1559, u64::MAX, u64::MAX, P),
            u64::MAX
        );
        assert_eq!(next_ticket_price(PricingRule::Fixed, 77, 500, P), 10);
    }
}
