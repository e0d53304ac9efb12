//! When in a slot each duty runs.
//!
//! Proposals at the slot start; attestations a third in (after the slot's block has had
//! time to arrive); builders bid half way and publish the next slot's payload three
//! quarters in, so that it has propagated before the next proposer packs its block.

use crate::clock::{Clock, SlotClock};
use std::time::Duration;

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Phase {
    Propose,
    Attest,
    Bid,
    Payload,
}

impl Phase {
    pub const ALL: [Phase; 4] = [Phase::Propose, Phase::Attest, Phase::Bid, Phase::Payload];

    /// Offset of the phase into the slot, in milliseconds.
    pub fn offset_ms(self, slot_ms: u64) -> u64 {
        match self {
            Phase::Propose => 0,
            Phase::Attest => slot_ms / 3,
            Phase::Bid => slot_ms / 2,
            Phase::Payload => slot_ms * 3 / 4,
        }
    }
}

/// Sleeps until `phase` of `slot`, by the wall clock (returns at once if it has passed).
pub async fn sleep_until<C: Clock>(clock: &C, slots: &SlotClock, slot: u64, phase: Phase) {
    let at = slots.slot_start_ms(slot) + phase.offset_ms(slots.slot_ms);
    let now = clock.now_ms();
    if at > now {
        tokio::time::sleep(Duration::from_millis(at - now)).await;
    }
}

/// The next (slot, phase) at or after `now_ms`.
pub fn next_phase(slots: &SlotClock, now_ms: u64) -> (u64, Phase) {
    let slot = slots.slot_at(now_ms);
    let into = slots.into_slot_ms(now_ms);
    if now_ms < slots.genesis_ms {
        return (0, Phase::Propose);
    }
    for phase in Phase::ALL {
        if phase.offset_ms(slots.slot_ms) >= into {
            return (slot, phase);
        }
    }
    (slot + 1, Phase::Propose)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn phases_follow_each_other() {
        let slots = SlotClock::new(10, 2);
        assert_eq!(next_phase(&slots, 10_000), (0, Phase::Propose));
        assert_eq!(next_phase(&slots, 10_001), (0, Phase::Attest));
        assert_eq!(next_phase(&slots, 10_700), (0, Phase::Bid));
        assert_eq!(next_phase(&slots, 11_600), (1, Phase::Propose));
        assert_eq!(next_phase(&slots, 5_000), (0, Phase::Propose));
    }
}
