//! `etn devnet`: a local multi-node devnet (4 nodes on loopback by default).

use anyhow::{Context, Result, bail};
use clap::Args;
use etn_node::config::ConfigFile;
use etn_node::devnet::{self, DevnetOptions, Display};
use std::path::{Path, PathBuf};

/// The config used when `--config` is not given and this file exists.
const DEFAULT_CONFIG: &str = "testnet/devnet.yaml";

#[derive(Args, Debug)]
pub struct DevnetArgs {
    /// Devnet YAML (default: testnet/devnet.yaml if present, else built-in defaults);
    /// the flags below override it.
    #[arg(long)]
    pub config: Option<PathBuf>,
    /// Data folder holding the genesis, the plan and one folder per node.
    #[arg(long, default_value = "devnet")]
    pub datadir: PathBuf,
    /// Continue the devnet in --datadir (stopped or killed) instead of creating one.
    #[arg(long)]
    pub resume: bool,
    /// Stop by itself after this many epochs.
    #[arg(long)]
    pub epochs: Option<u64>,
    /// Write a JSON summary of every node here when the devnet stops.
    #[arg(long)]
    pub summary: Option<PathBuf>,
    #[arg(long)]
    pub nodes: Option<usize>,
    #[arg(long)]
    pub validators: Option<u64>,
    #[arg(long)]
    pub seconds_per_slot: Option<u64>,
    #[arg(long)]
    pub slots_per_epoch: Option<u64>,
    /// proportional | tullock | winner-take-all | second-price | uniform
    #[arg(long)]
    pub allocation: Option<String>,
    /// Tullock exponent (`3/2` or `1.5`).
    #[arg(long)]
    pub alpha: Option<String>,
    /// all-pay | winner-pay
    #[arg(long)]
    pub payment: Option<String>,
    /// round | pool
    #[arg(long)]
    pub lifetime: Option<String>,
    /// fixed | eip1559
    #[arg(long)]
    pub pricing: Option<String>,
    /// burn | smooth
    #[arg(long)]
    pub destination: Option<String>,
    /// Node i listens for peers on this port + i.
    #[arg(long)]
    pub base_p2p_port: Option<u16>,
    /// Node i serves its HTTP API on this port + i.
    #[arg(long)]
    pub base_api_port: Option<u16>,
    /// Seconds from creating the genesis to slot 0.
    #[arg(long)]
    pub start_delay: Option<u64>,
    /// Start node N this many epochs after genesis, as `N:EPOCHS` (repeatable).
    #[arg(long, value_parser = parse_late)]
    pub late_node: Vec<(usize, u64)>,
    /// Leave nodes that exit stopped instead of restarting them.
    #[arg(long)]
    pub no_restart: bool,
    /// Status display: live (a table redrawn in place), epochs (printed once per epoch),
    /// or quiet.
    #[arg(long, default_value = "live")]
    pub display: String,
    /// Nodes' log filter.
    #[arg(long, default_value = "info")]
    pub log: String,
}

fn parse_late(text: &str) -> Result<(usize, u64), String> {
    let (node, epochs) = text
        .split_once(':')
        .ok_or_else(|| format!("`{text}` is not NODE:EPOCHS"))?;
    Ok((
        node.parse()
            .map_err(|_| format!("bad node index `{node}`"))?,
        epochs
            .parse()
            .map_err(|_| format!("bad epoch count `{epochs}`"))?,
    ))
}

fn load_config(args: &DevnetArgs) -> Result<ConfigFile> {
    let mut file = match &args.config {
        Some(path) => ConfigFile::load(path)?,
        None if Path::new(DEFAULT_CONFIG).exists() => ConfigFile::load(Path::new(DEFAULT_CONFIG))?,
        None => ConfigFile::default(),
    };
    let chain = &mut file.chain;
    let text = |field: &mut Option<String>, value: &Option<String>| {
        if value.is_some() {
            *field = value.clone();
        }
    };
    text(&mut chain.allocation, &args.allocation);
    text(&mut chain.alpha, &args.alpha);
    text(&mut chain.payment, &args.payment);
    text(&mut chain.lifetime, &args.lifetime);
    text(&mut chain.pricing, &args.pricing);
    text(&mut chain.destination, &args.destination);
    if args.seconds_per_slot.is_some() {
        chain.seconds_per_slot = args.seconds_per_slot;
    }
    if args.slots_per_epoch.is_some() {
        chain.slots_per_epoch = args.slots_per_epoch;
    }
    if args.validators.is_some() {
        file.genesis.validators = args.validators;
    }
    let devnet = &mut file.devnet;
    if args.nodes.is_some() {
        devnet.nodes = args.nodes;
    }
    if args.base_p2p_port.is_some() {
        devnet.base_p2p_port = args.base_p2p_port;
    }
    if args.base_api_port.is_some() {
        devnet.base_api_port = args.base_api_port;
    }
    if args.start_delay.is_some() {
        devnet.start_delay_seconds = args.start_delay;
    }
    // Fail on a bad chain section now, with the flag's value in the message.
    file.chain_config().context("invalid chain configuration")?;
    Ok(file)
}

pub fn run(args: DevnetArgs) -> Result<()> {
    let display = match args.display.as_str() {
        "live" => Display::Live,
        "epochs" => Display::Epochs,
        "quiet" => Display::Quiet,
        other => bail!("unknown --display `{other}` (live, epochs or quiet)"),
    };
    let config = if args.resume {
        ConfigFile::default()
    } else {
        load_config(&args)?
    };
    if args.epochs == Some(0) {
        bail!("--epochs must be at least 1");
    }
    let exe = std::env::current_exe().context("cannot find the etn binary")?;
    devnet::run(DevnetOptions {
        exe,
        datadir: args.datadir,
        config,
        resume: args.resume,
        epochs: args.epochs,
        summary: args.summary,
        late: args.late_node,
        restart: !args.no_restart,
        display,
        log_filter: args.log,
    })
}
