//! The slot-driven loop of a node's own duties: at each phase of each slot (see
//! [`crate::duties::timing`]) propose, attest, bid or deliver a payload.

use super::bridge::SyncFlag;
use crate::api::metrics::Metrics;
use crate::clock::{Clock, SlotClock};
use crate::duties::builder::Builders;
use crate::duties::timing::{Phase, next_phase, sleep_until};
use crate::duties::{Broadcast, validator};
use crate::service::{ChainHandle, ServiceStopped};
use etn_types::*;
use std::sync::Arc;

pub struct DutyLoop<C: Clock> {
    pub chain: ChainHandle,
    pub out: Arc<dyn Broadcast>,
    pub metrics: Arc<Metrics>,
    pub sync: SyncFlag,
    pub builders: Builders,
    pub slots: SlotClock,
    pub clock: C,
}

/// The phase after `(slot, phase)`.
fn successor((slot, phase): (Slot, Phase)) -> (Slot, Phase) {
    match Phase::ALL.iter().position(|p| *p == phase) {
        Some(i) if i + 1 < Phase::ALL.len() => (slot, Phase::ALL[i + 1]),
        _ => (slot + 1, Phase::ALL[0]),
    }
}

impl<C: Clock> DutyLoop<C> {
    /// Runs until `stop` resolves or the chain service stops.
    pub async fn run(mut self, stop: impl std::future::Future<Output = ()>) {
        tokio::pin!(stop);
        let mut next = next_phase(&self.slots, self.clock.now_ms());
        loop {
            tokio::select! {
                _ = &mut stop => return,
                _ = sleep_until(&self.clock, &self.slots, next.0, next.1) => {}
            }
            let done = tokio::select! {
                _ = &mut stop => return,
                done = self.perform(next.0, next.1) => done,
            };
            if done.is_err() {
                return;
            }
            // Duties of phases that passed while this one ran are skipped, not run late.
            next = successor(next).max(next_phase(&self.slots, self.clock.now_ms()));
        }
    }

    async fn perform(&mut self, slot: Slot, phase: Phase) -> Result<(), ServiceStopped> {
        let syncing = self.sync.get();
        let out = self.out.as_ref();
        match phase {
            // Slot 0 is the genesis block's; nobody proposes for it.
            Phase::Propose if syncing || slot == 0 => self.chain.tick().await,
            Phase::Propose => {
                validator::propose(&self.chain, slot, graffiti(), out, &self.metrics).await
            }
            Phase::Attest if syncing => Ok(()),
            Phase::Attest => validator::attest(&self.chain, slot, out).await,
            Phase::Bid if self.builders.is_empty() || syncing => Ok(()),
            Phase::Bid => self.builders.bid(&self.chain, slot, out).await,
            Phase::Payload if self.builders.is_empty() => Ok(()),
            Phase::Payload => {
                if self.builders.deliver(&self.chain, slot, out).await? {
                    self.metrics.payloads_published.inc();
                }
                Ok(())
            }
        }
    }
}

fn graffiti() -> Bytes32 {
    let mut bytes = [0u8; 32];
    let text = concat!("etn/", env!("CARGO_PKG_VERSION"));
    bytes[..text.len()].copy_from_slice(text.as_bytes());
    Bytes32(bytes)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn phases_follow_each_other_and_wrap_to_the_next_slot() {
        assert_eq!(successor((3, Phase::Propose)), (3, Phase::Attest));
        assert_eq!(successor((3, Phase::Bid)), (3, Phase::Payload));
        assert_eq!(successor((3, Phase::Payload)), (4, Phase::Propose));
    }
}
