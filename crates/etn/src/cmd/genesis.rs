//! `etn genesis`: write a genesis state, a readable summary, and the devnet keys.

use anyhow::{Context, Result, bail};
use clap::Args;
use etn_node::config::{ConfigFile, describe_mechanism};
use etn_state::{devnet_genesis_input, initialize_beacon_state};
use etn_types::ssz::{encode, hash_tree_root};
use std::path::PathBuf;
use std::time::{SystemTime, UNIX_EPOCH};

#[derive(Args, Debug)]
pub struct GenesisArgs {
    /// Chain configuration (YAML); without it the minimal preset's defaults are used.
    #[arg(long)]
    pub config: Option<PathBuf>,
    /// Number of validators (overrides the config file).
    #[arg(long)]
    pub validators: Option<u64>,
    /// Number of builders, each with the default balance (overrides the config file).
    #[arg(long)]
    pub builders: Option<usize>,
    /// Unix time of slot 0 (default: now).
    #[arg(long)]
    pub genesis_time: Option<u64>,
    /// Output folder for genesis.ssz, genesis.json and keys.yaml.
    #[arg(long, default_value = "genesis")]
    pub out: PathBuf,
}

pub fn run(args: GenesisArgs) -> Result<()> {
    let file = match &args.config {
        Some(path) => ConfigFile::load(path)?,
        None => ConfigFile::default(),
    };
    let config = file.chain_config()?;
    let validators = args.validators.unwrap_or(file.validator_count());
    if validators == 0 {
        bail!("a chain needs at least one validator");
    }
    let mut builders = file.builder_balances();
    if let Some(n) = args.builders {
        builders = vec![etn_node::config::DEFAULT_BUILDER_BALANCE; n];
    }
    let genesis_time = match args.genesis_time.or(file.genesis.genesis_time) {
        Some(t) => t,
        None => SystemTime::now().duration_since(UNIX_EPOCH)?.as_secs(),
    };
    let input = devnet_genesis_input(config.clone(), genesis_time, validators, &builders);
    let state = initialize_beacon_state(&input).context("cannot build the genesis state")?;
    let state_root = hash_tree_root(&state)?;

    std::fs::create_dir_all(&args.out)
        .with_context(|| format!("cannot create {}", args.out.display()))?;
    let ssz_path = args.out.join("genesis.ssz");
    std::fs::write(&ssz_path, encode(&state)?)
        .with_context(|| format!("cannot write {}", ssz_path.display()))?;
    let fork_digest = etn_crypto::compute_fork_digest(
        state.fork.current_version.0,
        state.genesis_validators_root.0,
    );
    let summary = serde_json::json!({
        "genesis_time": genesis_time,
        "genesis_validators_root": state.genesis_validators_root.to_string(),
        "state_root": state_root.to_string(),
        "fork_digest": format!("0x{}", hex::encode(fork_digest)),
        "validators": validators,
        "builders": builders.len(),
        "genesis_supply_gwei": state.accounting.genesis_supply,
        "mechanism": describe_mechanism(&config),
        "config": config,
    });
    let json_path = args.out.join("genesis.json");
    std::fs::write(&json_path, serde_json::to_string_pretty(&summary)? + "\n")?;
    let keys_path = args.out.join("keys.yaml");
    std::fs::write(&keys_path, devnet_keys_yaml(validators, builders.len()))?;
    println!("genesis state root {state_root}");
    println!(
        "wrote {}, {}, {}",
        ssz_path.display(),
        json_path.display(),
        keys_path.display()
    );
    Ok(())
}

/// The deterministic devnet keys, for tools that sign outside etn. They are derived from
/// public indices: anyone can recompute them, so they are for local devnets only.
fn devnet_keys_yaml(validators: u64, builders: usize) -> String {
    let mut out = String::from(
        "# Deterministic devnet keys: derived from public indices, NEVER use them for value.\n",
    );
    out.push_str("validators:\n");
    for i in 0..validators {
        let sk = etn_crypto::devnet_validator_secret_key(i);
        out.push_str(&format!(
            "  - index: {i}\n    secret_key: \"0x{}\"\n    public_key: \"0x{}\"\n",
            hex::encode(sk.to_bytes()),
            hex::encode(sk.public_key().to_bytes())
        ));
    }
    out.push_str("builders:\n");
    for i in 0..builders as u64 {
        let sk = etn_crypto::devnet_builder_secret_key(i);
        out.push_str(&format!(
            "  - index: {i}\n    secret_key: \"0x{}\"\n    public_key: \"0x{}\"\n",
            hex::encode(sk.to_bytes()),
            hex::encode(sk.public_key().to_bytes())
        ));
    }
    out
}
