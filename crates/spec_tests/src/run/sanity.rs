//! `sanity/blocks/<case>/`: `pre`, `blocks_<i>` for `i < meta.blocks_count`, optional
//! `post`. Every block goes through the whole `state_transition` (slots, signatures, body,
//! state root). Without `post`, every block but the last must apply and the last must be
//! rejected with `meta.error`, leaving the state as it was.
//!
//! `sanity/slots/<case>/`: `pre`, `slots.yaml` (how many slots to advance), optional
//! `post`; `process_slots(pre, pre.slot + slots)`.

use super::{expect_outcome, strategy};
use crate::files::CaseReader;
use crate::meta::Meta;
use anyhow::{Context, Result, bail};
use etn_state::{StateRootCheck, process_slots, state_transition};
use etn_types::*;

pub fn run(handler: &str, case: &CaseReader, meta: &Meta) -> Result<()> {
    match handler {
        "blocks" => blocks(case, meta),
        "slots" => slots(case, meta),
        other => bail!("unknown sanity handler {other}"),
    }
}

fn blocks(case: &CaseReader, meta: &Meta) -> Result<()> {
    let pre: BeaconState = case.ssz("pre")?;
    let post: Option<BeaconState> = case.optional_ssz("post")?;
    let count = meta
        .blocks_count
        .context("meta.yaml of a blocks case needs blocks_count")?;
    if count == 0 {
        bail!("a blocks case needs at least one block");
    }
    let (strategy, cache) = strategy(meta, &pre)?;
    let mut state = pre.clone();
    for i in 0..count {
        let block: SignedBeaconBlock = case.ssz(&format!("blocks_{i}"))?;
        let before = state.clone();
        let result = state_transition(&mut state, &block, strategy, &cache, StateRootCheck::Verify);
        let last = i + 1 == count;
        match (result, last) {
            (Ok(()), false) => {}
            (Err(e), false) => bail!("blocks_{i} (slot {}) rejected: {e}", block.message.slot),
            (result, true) => {
                return expect_outcome(meta, result, &before, state, post, true)
                    .with_context(|| format!("blocks_{i} (slot {})", block.message.slot));
            }
        }
    }
    unreachable!("the last block returns")
}

fn slots(case: &CaseReader, meta: &Meta) -> Result<()> {
    let pre: BeaconState = case.ssz("pre")?;
    let post: Option<BeaconState> = case.optional_ssz("post")?;
    let slots: u64 = case.yaml("slots")?;
    let mut state = pre.clone();
    let target = pre
        .slot
        .checked_add(slots)
        .context("slots.yaml advances past 2**64 - 1")?;
    let result = process_slots(&mut state, target);
    expect_outcome(meta, result, &pre, state, post, false)
}
