//! Wall-clock time for the chain, behind a trait so tests can drive virtual time.

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{SystemTime, UNIX_EPOCH};

/// Milliseconds since the Unix epoch.
pub trait Clock: Send + Sync + 'static {
    fn now_ms(&self) -> u64;
}

#[derive(Debug, Clone, Copy, Default)]
pub struct SystemClock;

impl Clock for SystemClock {
    fn now_ms(&self) -> u64 {
        SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map(|d| d.as_millis() as u64)
            .unwrap_or(0)
    }
}

/// A clock that only moves when told to.
#[derive(Debug, Clone, Default)]
pub struct ManualClock(Arc<AtomicU64>);

impl ManualClock {
    pub fn new(now_ms: u64) -> Self {
        Self(Arc::new(AtomicU64::new(now_ms)))
    }

    pub fn set(&self, now_ms: u64) {
        self.0.store(now_ms, Ordering::SeqCst);
    }
}

impl Clock for ManualClock {
    fn now_ms(&self) -> u64 {
        self.0.load(Ordering::SeqCst)
    }
}

/// Slot arithmetic for a chain with `genesis_time` (seconds) and `seconds_per_slot`.
#[derive(Debug, Clone, Copy)]
pub struct SlotClock {
    pub genesis_ms: u64,
    pub slot_ms: u64,
}

impl SlotClock {
    pub fn new(genesis_time: u64, seconds_per_slot: u64) -> Self {
        Self {
            genesis_ms: genesis_time.saturating_mul(1000),
            slot_ms: seconds_per_slot.max(1).saturating_mul(1000),
        }
    }

    /// The slot at `now_ms` (0 before genesis).
    pub fn slot_at(&self, now_ms: u64) -> u64 {
        now_ms.saturating_sub(self.genesis_ms) / self.slot_ms
    }

    pub fn slot_start_ms(&self, slot: u64) -> u64 {
        self.genesis_ms
            .saturating_add(slot.saturating_mul(self.slot_ms))
    }

    /// How far into its slot `now_ms` is.
    pub fn into_slot_ms(&self, now_ms: u64) -> u64 {
        now_ms.saturating_sub(self.genesis_ms) % self.slot_ms
    }
}
