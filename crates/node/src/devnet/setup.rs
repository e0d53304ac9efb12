//! Creating a devnet folder (plan, effective config, genesis) or reopening one.

use super::plan::{
    CONFIG_FILE, DEFAULT_API_PORT, DEFAULT_NODES, DEFAULT_P2P_PORT, DevnetPlan, GENESIS_FILE,
    PLAN_FILE,
};
use crate::config::ConfigFile;
use anyhow::{Context, Result, bail};
use etn_state::{devnet_genesis_input, initialize_beacon_state};
use etn_types::ssz::encode;
use std::path::Path;

/// Seconds between writing the genesis and slot 0 when the config does not say.
pub const DEFAULT_START_DELAY_SECONDS: u64 = 3;

/// A fresh devnet in `root`: plan, config and genesis written, nodes not yet started.
/// A folder holding an earlier devnet is replaced; any other non-empty folder is refused.
pub fn create(root: &Path, file: &ConfigFile, now_secs: u64) -> Result<DevnetPlan> {
    if root.exists() {
        let empty = std::fs::read_dir(root)
            .with_context(|| format!("cannot read {}", root.display()))?
            .next()
            .is_none();
        if !empty {
            if !root.join(PLAN_FILE).exists() {
                bail!(
                    "{} is not empty and holds no devnet; choose another --datadir",
                    root.display()
                );
            }
            eprintln!(
                "replacing the devnet in {} (use --resume to continue it)",
                root.display()
            );
            std::fs::remove_dir_all(root)
                .with_context(|| format!("cannot clear {}", root.display()))?;
        }
    }
    std::fs::create_dir_all(root).with_context(|| format!("cannot create {}", root.display()))?;
    file.check_players()?;
    let config = file.chain_config()?;
    let devnet = &file.devnet;
    let delay = devnet
        .start_delay_seconds
        .unwrap_or(DEFAULT_START_DELAY_SECONDS);
    let genesis_time = match file.genesis.genesis_time {
        Some(t) => t,
        None => now_secs + delay,
    };
    let plan = DevnetPlan::new(
        file,
        devnet.nodes.unwrap_or(DEFAULT_NODES),
        genesis_time,
        devnet.base_p2p_port.unwrap_or(DEFAULT_P2P_PORT),
        devnet.base_api_port.unwrap_or(DEFAULT_API_PORT),
    )?;
    let input = devnet_genesis_input(
        config,
        genesis_time,
        file.validator_count(),
        &file.builder_balances(),
    );
    let state = initialize_beacon_state(&input).context("cannot build the genesis state")?;
    std::fs::write(root.join(GENESIS_FILE), encode(&state)?).context("cannot write genesis")?;
    let yaml = serde_yaml_ng::to_string(file).context("cannot write the config")?;
    std::fs::write(
        root.join(CONFIG_FILE),
        format!("# The configuration this devnet was created with.\n{yaml}"),
    )?;
    plan.save(root)?;
    Ok(plan)
}

/// Reopens the devnet in `root` exactly as it was created.
pub fn resume(root: &Path) -> Result<(DevnetPlan, ConfigFile)> {
    let plan = DevnetPlan::load(root)?;
    let file = ConfigFile::load(&root.join(CONFIG_FILE))?;
    if !root.join(GENESIS_FILE).exists() {
        bail!("{} has no {GENESIS_FILE}", root.display());
    }
    Ok((plan, file))
}
