//! `epoch_processing/<handler>/<case>/`: `pre.ssz_snappy`, optional `post.ssz_snappy`.
//! The pre-state is the state at the end of an epoch's last slot exactly as
//! `process_epoch` would see it when it reaches the handler's step (the earlier steps of
//! `process_epoch` already applied); the runner applies that one step.

use super::expect_outcome;
use crate::files::CaseReader;
use crate::meta::{BLS_NONE, Meta};
use anyhow::{Result, anyhow, bail};
use etn_state::epoch;
use etn_state::validity::check_state_shape;
use etn_types::BeaconState;

pub const HANDLERS: &[&str] = &[
    "justification_and_finalization",
    "smoothing",
    "randao_mixes_reset",
    "participation_flag_updates",
];

pub fn run(handler: &str, case: &CaseReader, meta: &Meta) -> Result<()> {
    if meta.bls_setting == BLS_NONE {
        bail!("epoch processing cases set bls_setting 2 (no signatures are checked)");
    }
    let pre: BeaconState = case.ssz("pre")?;
    let post: Option<BeaconState> = case.optional_ssz("post")?;
    let mechanism =
        check_state_shape(&pre).map_err(|e| anyhow!("the pre-state fails the shape check: {e}"))?;
    let mut state = pre.clone();
    let result = match handler {
        "justification_and_finalization" => {
            epoch::process_justification_and_finalization(&mut state)
        }
        "smoothing" => epoch::process_smoothing(&mut state, &mechanism),
        "randao_mixes_reset" => {
            epoch::process_randao_mixes_reset(&mut state);
            Ok(())
        }
        "participation_flag_updates" => {
            epoch::process_participation_flag_updates(&mut state);
            Ok(())
        }
        other => bail!("unknown epoch_processing handler {other}"),
    };
    expect_outcome(meta, result, &pre, state, post, false)
}
