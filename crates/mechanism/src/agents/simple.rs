//! Reference strategies that ignore the other players: truthful, fixed and random bids.

use super::rng::SplitMix64;
use super::{RoundView, Strategy};

/// Bids its own value: the dominant strategy of the second-price auction, and an
/// overbid under every all-pay rule.
#[derive(Debug, Clone, Default)]
pub struct Truthful;

impl Strategy for Truthful {
    fn describe(&self) -> String {
        "truthful".into()
    }

    fn bid(&mut self, view: &RoundView<'_>) -> u64 {
        view.tickets(view.value)
    }
}

/// Bids the same amount (value units) every round.
#[derive(Debug, Clone)]
pub struct Fixed {
    pub units: f64,
}

impl Strategy for Fixed {
    fn describe(&self) -> String {
        format!("fixed({})", self.units)
    }

    fn bid(&mut self, view: &RoundView<'_>) -> u64 {
        view.tickets(self.units)
    }
}

/// Bids a uniformly random fraction in `[low, high]` of its value, from a seeded
/// generator: noise traders whose runs are still reproducible.
#[derive(Debug, Clone)]
pub struct RandomBid {
    low: f64,
    high: f64,
    rng: SplitMix64,
}

impl RandomBid {
    pub fn new(low: f64, high: f64, seed: u64) -> Self {
        Self {
            low,
            high,
            rng: SplitMix64::new(seed),
        }
    }
}

impl Strategy for RandomBid {
    fn describe(&self) -> String {
        format!("random({}..{} of value)", self.low, self.high)
    }

    fn bid(&mut self, view: &RoundView<'_>) -> u64 {
        let f = self.low + (self.high - self.low) * self.rng.next_f64();
        view.tickets(f * view.value)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::analysis::{Payment, Rule};

    pub(crate) fn view(value: f64) -> RoundView<'static> {
        RoundView {
            slot: 1,
            player: 0,
            players: 2,
            value,
            values: None,
            identities: 1,
            rule: Rule::Proportional,
            payment: Payment::AllPay,
            tickets_per_unit: 1000.0,
            max_tickets: u64::MAX,
        }
    }

    #[test]
    fn reference_bids() {
        assert_eq!(Truthful.bid(&view(4.0)), 4000);
        assert_eq!(Fixed { units: 0.5 }.bid(&view(4.0)), 500);
        let mut r = RandomBid::new(0.25, 0.5, 3);
        for _ in 0..100 {
            let b = r.bid(&view(4.0));
            assert!((1000..=2000).contains(&b), "{b}");
        }
    }
}
