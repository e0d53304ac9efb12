//! `genesis/initialization/<case>/`: `input.yaml` (the arguments of
//! `initialize_beacon_state`) and `state.ssz_snappy`, absent when the input must be
//! refused. `genesis/devnet/<case>/`: `devnet.yaml` (the arguments of
//! `devnet_genesis_input`, deterministic keys) and `state.ssz_snappy`.

use crate::files::CaseReader;
use crate::meta::{BLS_NONE, Meta, state_error_name};
use crate::schema::{DevnetData, GenesisData};
use anyhow::{Result, bail};
use etn_state::{GenesisInput, devnet_genesis_input, initialize_beacon_state};
use etn_types::BeaconState;
use etn_types::ssz::hash_tree_root;

pub const HANDLERS: &[&str] = &["initialization", "devnet"];

pub fn run(handler: &str, case: &CaseReader, meta: &Meta) -> Result<()> {
    if meta.bls_setting != BLS_NONE {
        bail!("genesis cases verify no signatures (bls_setting must be 0)");
    }
    let expected: Option<BeaconState> = case.optional_ssz("state")?;
    let (input, root) = match handler {
        "initialization" => {
            let data: GenesisData = case.yaml("input")?;
            let input = GenesisInput {
                genesis_time: data.genesis_time,
                config: data.config,
                validators: data
                    .validators
                    .iter()
                    .map(|a| (a.pubkey, a.balance))
                    .collect(),
                builders: data
                    .builders
                    .iter()
                    .map(|a| (a.pubkey, a.balance))
                    .collect(),
                randao_seed: data.randao_seed,
            };
            (input, None)
        }
        "devnet" => {
            let data: DevnetData = case.yaml("devnet")?;
            let input = devnet_genesis_input(
                data.config,
                data.genesis_time,
                data.validator_count,
                &data.builder_balances,
            );
            (input, Some(data.state_root))
        }
        other => bail!("unknown genesis handler {other}"),
    };
    match (initialize_beacon_state(&input), expected) {
        (Ok(state), Some(expected)) => {
            if meta.error.is_some() {
                bail!("meta.yaml names an error but the case has a state");
            }
            if state != expected {
                bail!(
                    "genesis state differs: {}",
                    crate::diff::describe(&expected, &state)
                );
            }
            if let Some(root) = root {
                let computed = hash_tree_root(&state)?;
                if computed != root {
                    bail!("genesis state root {computed}, expected {root}");
                }
            }
            Ok(())
        }
        (Ok(_), None) => bail!(
            "input accepted, but the case expects rejection with {}",
            meta.error
                .as_deref()
                .unwrap_or("an error (meta.yaml names none)")
        ),
        (Err(e), Some(_)) => bail!(
            "input rejected with {} ({e}), expected a state",
            state_error_name(&e)
        ),
        (Err(e), None) => {
            let got = state_error_name(&e);
            match &meta.error {
                Some(name) if *name == got => Ok(()),
                other => bail!("rejected with {got} ({e}), expected {other:?}"),
            }
        }
    }
}
