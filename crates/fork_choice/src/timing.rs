//! Slot and epoch arithmetic on Unix milliseconds.
//!
//! etn devnets run 2-second slots, where a third of a slot is 666 ms: whole seconds (the
//! unit of Ethereum's `store.time`) cannot express the proposer-boost deadline, so the
//! store keeps time in milliseconds. Time is always an argument; nothing here reads a
//! clock.

use crate::error::ForkChoiceError;
use etn_types::{BeaconState, Epoch, Slot};

/// Number of intervals a slot is divided into; a block is timely (may get the proposer
/// boost) when it arrives within the first one, before attesters vote.
pub const INTERVALS_PER_SLOT: u64 = 3;

/// The chain's clock parameters, fixed at genesis.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Timing {
    /// `genesis_time` of the state, in milliseconds.
    pub genesis_time_ms: u64,
    /// `seconds_per_slot` of the config, in milliseconds (never zero).
    pub slot_ms: u64,
    /// `slots_per_epoch` of the config (never zero).
    pub slots_per_epoch: u64,
}

impl Timing {
    /// Reads the timing of `state`'s chain; refuses a config whose slots or epochs are
    /// empty or whose genesis time does not fit in milliseconds.
    pub fn from_state(state: &BeaconState) -> Result<Self, ForkChoiceError> {
        Self::new(
            state.genesis_time,
            state.config.seconds_per_slot,
            state.config.slots_per_epoch,
        )
    }

    /// From genesis time and slot length in seconds (the units of the state's config).
    pub fn new(
        genesis_time: u64,
        seconds_per_slot: u64,
        slots_per_epoch: u64,
    ) -> Result<Self, ForkChoiceError> {
        let genesis_time_ms =
            genesis_time
                .checked_mul(1000)
                .ok_or(ForkChoiceError::InvalidTiming(
                    "genesis time overflows milliseconds",
                ))?;
        let slot_ms = seconds_per_slot
            .checked_mul(1000)
            .ok_or(ForkChoiceError::InvalidTiming(
                "slot length overflows milliseconds",
            ))?;
        if slot_ms == 0 {
            return Err(ForkChoiceError::InvalidTiming("seconds_per_slot is zero"));
        }
        if slots_per_epoch == 0 {
            return Err(ForkChoiceError::InvalidTiming("slots_per_epoch is zero"));
        }
        Ok(Self {
            genesis_time_ms,
            slot_ms,
            slots_per_epoch,
        })
    }

    /// The slot that `time_ms` falls in; times before genesis count as slot 0.
    pub fn slot_at(&self, time_ms: u64) -> Slot {
        time_ms.saturating_sub(self.genesis_time_ms) / self.slot_ms
    }

    /// Milliseconds elapsed since the start of the slot that `time_ms` falls in.
    pub fn ms_into_slot(&self, time_ms: u64) -> u64 {
        time_ms.saturating_sub(self.genesis_time_ms) % self.slot_ms
    }

    /// Whether `time_ms` lies in the first interval of its slot (the boost window).
    pub fn is_before_attesting_interval(&self, time_ms: u64) -> bool {
        self.ms_into_slot(time_ms) < self.slot_ms / INTERVALS_PER_SLOT
    }

    /// The Unix millisecond at which `slot` starts (saturating far in the future).
    pub fn slot_start_ms(&self, slot: Slot) -> u64 {
        slot.saturating_mul(self.slot_ms)
            .saturating_add(self.genesis_time_ms)
    }

    /// `compute_epoch_at_slot`, without needing a state.
    pub fn epoch_at_slot(&self, slot: Slot) -> Epoch {
        slot / self.slots_per_epoch
    }

    /// `compute_start_slot_at_epoch` (saturating, so any decoded epoch is safe).
    pub fn epoch_start_slot(&self, epoch: Epoch) -> Slot {
        epoch.saturating_mul(self.slots_per_epoch)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn two_second_slots_have_a_666_ms_boost_window() {
        let t = Timing::new(100, 2, 8).unwrap();
        assert_eq!(t.slot_at(0), 0, "before genesis is slot 0");
        assert_eq!(t.slot_at(100_000), 0);
        assert_eq!(t.slot_at(101_999), 0);
        assert_eq!(t.slot_at(102_000), 1);
        assert!(t.is_before_attesting_interval(102_665));
        assert!(!t.is_before_attesting_interval(102_666));
        assert_eq!(t.slot_start_ms(3), 106_000);
        assert_eq!(t.epoch_at_slot(15), 1);
        assert_eq!(t.epoch_start_slot(2), 16);
    }

    #[test]
    fn degenerate_configs_are_refused() {
        assert!(Timing::new(0, 0, 8).is_err());
        assert!(Timing::new(0, 2, 0).is_err());
        assert!(Timing::new(u64::MAX, 2, 8).is_err());
        assert!(Timing::new(0, u64::MAX, 8).is_err());
    }
}
