//! Validator duties: propose when a local validator is the slot's proposer, and attest
//! (one aggregate per committee of the local validators) a third into the slot.

use super::Broadcast;
use crate::api::metrics::Metrics;
use crate::service::{ChainHandle, ServiceStopped};
use etn_types::*;

/// Proposes for `slot` if one of the node's validators is its proposer.
pub async fn propose(
    chain: &ChainHandle,
    slot: Slot,
    graffiti: Bytes32,
    out: &dyn Broadcast,
    metrics: &Metrics,
) -> Result<(), ServiceStopped> {
    chain.tick().await?;
    match chain.propose(slot, graffiti).await? {
        Ok(Some(block)) => {
            metrics.blocks_proposed.inc();
            metrics.blocks_imported.inc();
            out.block(&block);
            tracing::info!(slot, "proposed block");
        }
        Ok(None) => {}
        Err(e) => tracing::warn!(slot, "could not propose: {e}"),
    }
    Ok(())
}

/// Attests to the head for `slot` with every local validator in the slot's committees.
pub async fn attest(
    chain: &ChainHandle,
    slot: Slot,
    out: &dyn Broadcast,
) -> Result<(), ServiceStopped> {
    chain.tick().await?;
    match chain.attest(slot).await? {
        Ok(attestations) => {
            for attestation in &attestations {
                out.attestation(attestation);
            }
        }
        Err(e) => tracing::warn!(slot, "could not attest: {e}"),
    }
    Ok(())
}
