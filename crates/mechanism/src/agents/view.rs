//! The plain data a strategy sees: the round it bids in, and what happened in it.

use crate::analysis::{Payment, Rule};

/// What a player knows when it bids for one round.
#[derive(Debug, Clone)]
pub struct RoundView<'a> {
    /// The round's target slot.
    pub slot: u64,
    /// This player's position among the players (its index in `values`).
    pub player: usize,
    /// Number of players in the game.
    pub players: usize,
    /// This player's value for the slot, in value units.
    pub value: f64,
    /// Every player's value for the slot, when values are common knowledge (the
    /// article's complete-information model). `None` for agents that must not know them.
    pub values: Option<&'a [f64]>,
    /// Identities this player bids through (more than one: a Sybil split).
    pub identities: usize,
    /// The allocation rule in force.
    pub rule: Rule,
    /// The payment rule in force.
    pub payment: Payment,
    /// Tickets one value unit buys at the current price (`value unit in Gwei / price`).
    pub tickets_per_unit: f64,
    /// Most tickets the player can pay for now (its balance over the price).
    pub max_tickets: u64,
}

impl RoundView<'_> {
    /// A bid in value units as whole tickets: rounded to the nearest ticket, never
    /// negative, never more than the player can pay for.
    pub fn tickets(&self, units: f64) -> u64 {
        let t = (units * self.tickets_per_unit).round();
        if t.is_nan() || t <= 0.0 {
            0
        } else if t >= self.max_tickets as f64 {
            self.max_tickets
        } else {
            t as u64
        }
    }

    /// Tickets in value units.
    pub fn units(&self, tickets: u64) -> f64 {
        tickets as f64 / self.tickets_per_unit
    }

    /// One ticket in value units: the smallest step a bid can take.
    pub fn tick(&self) -> f64 {
        1.0 / self.tickets_per_unit
    }
}

/// One closed round, as the chain records it, seen by one player.
#[derive(Debug, Clone)]
pub struct RoundOutcome<'a> {
    /// The round's target slot.
    pub slot: u64,
    /// The observing player's position.
    pub player: usize,
    /// Every player's total bid in the round, in value units (a player's identities
    /// summed), as read from the chain before the round closed.
    pub bids: &'a [f64],
    /// The player whose identity won, if anyone did.
    pub winner: Option<usize>,
    /// The observing player's value for the slot.
    pub value: f64,
    /// What the observing player was charged (value units): its bid under all-pay,
    /// the price if it won under winner-pay or second price, nothing otherwise.
    pub paid: f64,
    /// The allocation rule the round was run under.
    pub rule: Rule,
    /// The payment rule the round was run under.
    pub payment: Payment,
}

/// Splits `total` tickets over `identities` as evenly as whole tickets allow (the first
/// `total % identities` identities get one more). An equal split is the best split for
/// every rule analysed (see [`crate::analysis::sybil`]).
pub fn split_tickets(total: u64, identities: usize) -> Vec<u64> {
    let k = identities.max(1) as u64;
    let (base, extra) = (total / k, total % k);
    (0..k).map(|j| base + u64::from(j < extra)).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn view(tickets_per_unit: f64, max_tickets: u64) -> RoundView<'static> {
        RoundView {
            slot: 10,
            player: 0,
            players: 2,
            value: 4.0,
            values: None,
            identities: 1,
            rule: Rule::Proportional,
            payment: Payment::AllPay,
            tickets_per_unit,
            max_tickets,
        }
    }

    #[test]
    fn tickets_round_and_cap() {
        let v = view(1e6, 5_000_000);
        assert_eq!(v.tickets(8.0 / 9.0), 888_889);
        assert_eq!(v.tickets(-1.0), 0);
        assert_eq!(v.tickets(f64::NAN), 0);
        assert_eq!(v.tickets(100.0), 5_000_000);
        assert!((v.units(888_889) - 0.888889).abs() < 1e-12);
        assert_eq!(v.tick(), 1e-6);
    }

    #[test]
    fn splits_are_even_and_exact() {
        assert_eq!(split_tickets(10, 3), vec![4, 3, 3]);
        assert_eq!(split_tickets(10, 1), vec![10]);
        assert_eq!(split_tickets(2, 4), vec![1, 1, 0, 0]);
        assert_eq!(split_tickets(7, 0), vec![7]);
        assert_eq!(split_tickets(1_000_001, 7).iter().sum::<u64>(), 1_000_001);
    }
}
