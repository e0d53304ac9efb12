//! `slot_processing/<handler>/<case>/`: the execution-ticket work that etn does per slot,
//! not per epoch. `builder_assignment` is the round close (round lifetime) or pool draw
//! (pool lifetime) that decides slot `state.slot + ticket_lookahead`: the pre-state is
//! the state at the point where the spec calls `process_builder_assignment` (in a block
//! after its RANDAO reveal, or at the end of an empty slot). `ticket_slot` is
//! `process_ticket_slot`, run at the start of every slot: the pre-state has just had its
//! `slot` incremented.

use super::expect_outcome;
use crate::files::CaseReader;
use crate::meta::{BLS_NONE, Meta};
use anyhow::{Result, anyhow, bail};
use etn_state::slot::{process_builder_assignment, process_ticket_slot};
use etn_state::validity::check_state_shape;
use etn_types::BeaconState;

pub const HANDLERS: &[&str] = &["builder_assignment", "ticket_slot"];

pub fn run(handler: &str, case: &CaseReader, meta: &Meta) -> Result<()> {
    if meta.bls_setting == BLS_NONE {
        bail!("slot processing cases set bls_setting 2 (no signatures are checked)");
    }
    let pre: BeaconState = case.ssz("pre")?;
    let post: Option<BeaconState> = case.optional_ssz("post")?;
    let mechanism =
        check_state_shape(&pre).map_err(|e| anyhow!("the pre-state fails the shape check: {e}"))?;
    let mut state = pre.clone();
    let result = match handler {
        "builder_assignment" => process_builder_assignment(&mut state, &mechanism),
        "ticket_slot" => process_ticket_slot(&mut state, &mechanism),
        other => bail!("unknown slot_processing handler {other}"),
    };
    expect_outcome(meta, result, &pre, state, post, false)
}
