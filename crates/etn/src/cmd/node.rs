//! `etn node`: one beacon node with its validators and builder players.

use anyhow::{Context, Result, bail};
use clap::Args;
use etn_network::Multiaddr;
use etn_node::config::ConfigFile;
use etn_node::runtime::{self, NodeOptions};
use std::io::Write;
use std::path::PathBuf;

#[derive(Args, Debug)]
pub struct NodeArgs {
    /// Data folder (database and logs); created if missing.
    #[arg(long, default_value = "node")]
    pub datadir: PathBuf,
    /// Genesis state (SSZ, as `etn genesis` writes it); needed on the first start only.
    #[arg(long)]
    pub genesis: Option<PathBuf>,
    /// Chain/devnet YAML with the builder players (values, strategies, identities).
    #[arg(long)]
    pub config: Option<PathBuf>,
    /// Validators this node runs, as a half-open range of indices `FIRST..END`.
    #[arg(long, default_value = "0..0", value_parser = parse_range)]
    pub validators: std::ops::Range<u64>,
    /// Builder players (indices into the config's `genesis.builders`) this node runs.
    #[arg(long, value_delimiter = ',')]
    pub players: Vec<usize>,
    /// TCP port for peers on 127.0.0.1 (0: any free port).
    #[arg(long, default_value_t = 9000)]
    pub p2p_port: u16,
    /// Port of the HTTP API on 127.0.0.1 (0: any free port).
    #[arg(long, default_value_t = 5052)]
    pub http_port: u16,
    /// Peers to dial and keep dialling, as multiaddrs (comma separated).
    #[arg(long, value_delimiter = ',')]
    pub bootnodes: Vec<Multiaddr>,
    /// Derive the network identity from this index (a stable peer id across restarts);
    /// without it the node gets a fresh identity each start.
    #[arg(long)]
    pub key_index: Option<u64>,
    /// Gwei per value unit of the builders' values (default: the config's, or 1,000,000).
    #[arg(long)]
    pub value_unit_gwei: Option<u64>,
    /// Log filter (tracing's `RUST_LOG` syntax); `RUST_LOG` wins when set.
    #[arg(long, default_value = "info")]
    pub log: String,
}

fn parse_range(text: &str) -> Result<std::ops::Range<u64>, String> {
    let (a, b) = text
        .split_once("..")
        .ok_or_else(|| format!("`{text}` is not a range FIRST..END"))?;
    let a: u64 = a
        .trim()
        .parse()
        .map_err(|_| format!("bad range start `{a}`"))?;
    let b: u64 = b
        .trim()
        .parse()
        .map_err(|_| format!("bad range end `{b}`"))?;
    if a > b {
        return Err(format!("range {a}..{b} is reversed"));
    }
    Ok(a..b)
}

/// Logs to stderr with the given filter (RUST_LOG overrides it).
pub fn init_logging(filter: &str) -> Result<()> {
    let filter = tracing_subscriber::EnvFilter::try_from_default_env()
        .or_else(|_| tracing_subscriber::EnvFilter::try_new(filter))
        .context("invalid log filter")?;
    tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        .with_ansi(false)
        .try_init()
        .map_err(|e| anyhow::anyhow!("cannot set up logging: {e}"))
}

pub fn run(args: NodeArgs) -> Result<()> {
    init_logging(&args.log)?;
    let config = match &args.config {
        Some(path) => ConfigFile::load(path)?,
        None => ConfigFile::default(),
    };
    if args.p2p_port != 0 && args.p2p_port == args.http_port {
        bail!("--p2p-port and --http-port must differ");
    }
    let value_unit_gwei = args
        .value_unit_gwei
        .or(config.devnet.value_unit_gwei)
        .unwrap_or(etn_node::devnet::plan::DEFAULT_VALUE_UNIT_GWEI);
    if value_unit_gwei == 0 {
        bail!("--value-unit-gwei must be positive");
    }
    let options = NodeOptions {
        datadir: args.datadir,
        genesis: args.genesis,
        config,
        validators: args.validators,
        players: args.players,
        p2p_port: args.p2p_port,
        http_port: args.http_port,
        bootnodes: args.bootnodes,
        key_seed: args.key_index.map(runtime::devnet_key_seed),
        value_unit_gwei,
    };
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .context("cannot start the async runtime")?;
    runtime.block_on(runtime::run(
        options,
        |endpoints| {
            // One machine-readable line on stdout for whoever started us.
            let p2p: Vec<String> = endpoints.p2p.iter().map(ToString::to_string).collect();
            println!(
                "etn node ready peer_id={} p2p={} api=http://{}",
                endpoints.peer_id,
                p2p.join(","),
                endpoints.api
            );
            let _ = std::io::stdout().flush();
        },
        runtime::shutdown_signal(),
    ))
}
