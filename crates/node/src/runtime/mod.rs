//! A running node: the chain service, the network, sync, the duties and the HTTP API,
//! wired together on one tokio runtime, with a clean shutdown.
//!
//! `etn node` is a thin CLI over [`run`]; `etn devnet` starts several of them.

pub mod bridge;
pub mod duty_loop;
pub mod events;
pub mod sync;

use crate::api::{self, ApiContext, metrics::Metrics};
use crate::clock::{Clock, SlotClock, SystemClock};
use crate::config::ConfigFile;
use crate::duties::builder::{Builders, Player};
use crate::keys::LocalKeys;
use crate::{Chain, service};
use anyhow::{Context, Result, bail};
use bridge::{NetworkBroadcast, NetworkView, SyncFlag};
use etn_network::{Multiaddr, NetworkConfig};
use etn_store::SledStore;
use etn_types::ssz::decode;
use etn_types::*;
use std::collections::HashSet;
use std::net::{Ipv4Addr, SocketAddr};
use std::ops::Range;
use std::path::PathBuf;
use std::sync::{Arc, Mutex};
use std::time::Duration;
use tokio::sync::watch;

/// Rounds a learning builder strategy is tuned for when the devnet's length is unknown.
const DEFAULT_STRATEGY_HORIZON: u64 = 10_000;
/// How long shutdown waits for each part before giving up on it.
const SHUTDOWN_GRACE: Duration = Duration::from_secs(5);

/// Everything a node needs to start. Validators and builder players are the devnet's
/// deterministic keys, by index.
#[derive(Debug, Clone)]
pub struct NodeOptions {
    pub datadir: PathBuf,
    /// The genesis state (SSZ). Needed the first time; on a restart the store has it (and
    /// a different one given here is refused).
    pub genesis: Option<PathBuf>,
    /// The chain/devnet YAML: builder players (values, strategies, identities).
    pub config: ConfigFile,
    pub validators: Range<u64>,
    /// Builder players (indices into the config's `genesis.builders`) this node runs.
    pub players: Vec<usize>,
    pub p2p_port: u16,
    pub http_port: u16,
    pub bootnodes: Vec<Multiaddr>,
    /// Seed of the network identity (a stable peer id across restarts).
    pub key_seed: Option<[u8; 32]>,
    /// Gwei per value unit of the builders' values.
    pub value_unit_gwei: u64,
}

/// The network key seed of devnet node `index`: stable, so bootnode lists written once
/// stay valid across restarts.
pub fn devnet_key_seed(index: u64) -> [u8; 32] {
    let mut seed = *b"etn devnet node key seed 0000000";
    seed[24..].copy_from_slice(&index.to_be_bytes());
    seed
}

/// Resolves on Ctrl-C or SIGTERM: how a node or a devnet is asked to stop cleanly.
pub async fn shutdown_signal() {
    use tokio::signal::unix::{SignalKind, signal};
    let mut term = signal(SignalKind::terminate()).ok();
    tokio::select! {
        _ = tokio::signal::ctrl_c() => {}
        _ = async {
            match term.as_mut() {
                Some(t) => { t.recv().await; }
                None => std::future::pending::<()>().await,
            }
        } => {}
    }
}

/// Where a started node can be reached (printed on start, read by the devnet).
#[derive(Debug, Clone)]
pub struct Endpoints {
    pub peer_id: String,
    pub p2p: Vec<Multiaddr>,
    pub api: SocketAddr,
}

fn load_genesis(path: &std::path::Path) -> Result<BeaconState> {
    let bytes =
        std::fs::read(path).with_context(|| format!("cannot read genesis {}", path.display()))?;
    decode::<BeaconState>(&bytes)
        .with_context(|| format!("{} is not an SSZ genesis state", path.display()))
}

fn build_builders(options: &NodeOptions) -> Result<Builders> {
    let file = &options.config;
    file.check_players()?;
    let entries = file.players();
    let owners = file.identity_owners();
    let values = entries
        .iter()
        .map(|p| p.value())
        .collect::<Result<Vec<f64>>>()?;
    let mut players = Vec::new();
    for &index in &options.players {
        let Some(entry) = entries.get(index) else {
            bail!(
                "builder player {index} does not exist (the config has {})",
                entries.len()
            );
        };
        let strategy = entry
            .strategy_spec()?
            .build(index as u64, DEFAULT_STRATEGY_HORIZON)?;
        players.push(Player {
            index,
            identities: owners
                .iter()
                .enumerate()
                .filter(|(_, owner)| **owner == index)
                .map(|(identity, _)| identity as u64)
                .collect(),
            value: values[index],
            strategy,
            absent: entry.absent.unwrap_or(false),
        });
    }
    Ok(Builders::new(
        players,
        values,
        &owners,
        options.value_unit_gwei,
    ))
}

/// Runs a node until `shutdown` resolves. `ready` gets the endpoints once the network and
/// API are listening.
pub async fn run(
    options: NodeOptions,
    ready: impl FnOnce(&Endpoints),
    shutdown: impl std::future::Future<Output = ()>,
) -> Result<()> {
    std::fs::create_dir_all(&options.datadir)
        .with_context(|| format!("cannot create {}", options.datadir.display()))?;
    let builders = build_builders(&options)?;
    let genesis = options.genesis.as_deref().map(load_genesis).transpose()?;
    let store = SledStore::open(options.datadir.join("db"))
        .with_context(|| format!("cannot open the database in {}", options.datadir.display()))?;
    let resuming = etn_store::ChainStore::meta(&store)
        .context("cannot read the database")?
        .is_some();
    let clock = SystemClock;
    let chain = Chain::open(store, genesis, clock.now_ms()).context("cannot start the chain")?;
    if resuming {
        let head = chain.head();
        tracing::info!(head_slot = head.slot, head_root = %head.root, "resumed from the store");
    } else {
        tracing::info!(genesis_root = %chain.genesis_root(), "started from genesis");
    }
    let genesis_state = chain.genesis_state().clone();
    let validator_count = genesis_state.validators.len() as u64;
    if options.validators.end > validator_count {
        bail!(
            "validators {}..{} requested but the chain has {validator_count}",
            options.validators.start,
            options.validators.end
        );
    }
    let fork_digest = etn_crypto::compute_fork_digest(
        genesis_state.fork.current_version.0,
        genesis_state.genesis_validators_root.0,
    );
    let keys = LocalKeys::devnet(options.validators.clone());
    let (chain, chain_task) = service::spawn(chain, keys, clock);

    let network_config = NetworkConfig {
        listen: format!("/ip4/127.0.0.1/tcp/{}", options.p2p_port)
            .parse()
            .context("invalid p2p port")?,
        bootnodes: options.bootnodes.clone(),
        fork_digest,
        key_seed: options.key_seed,
        ..NetworkConfig::default()
    };
    let (network, mut network_events) = etn_network::start(network_config)
        .await
        .context("cannot start the network")?;
    let listener =
        tokio::net::TcpListener::bind(SocketAddr::from((Ipv4Addr::LOCALHOST, options.http_port)))
            .await
            .with_context(|| format!("cannot serve the API on port {}", options.http_port))?;
    let api_addr = listener.local_addr()?;

    let metrics = Arc::new(Metrics::new());
    let sync_flag = SyncFlag::default();
    let peers = Arc::new(Mutex::new(Vec::new()));
    let (stop_tx, stop_rx) = watch::channel(false);
    let stopped = |mut rx: watch::Receiver<bool>| async move {
        let _ = rx.wait_for(|stop| *stop).await;
    };

    let ctx = ApiContext {
        chain: chain.clone(),
        network: Arc::new(NetworkView {
            handle: network.clone(),
            peers: peers.clone(),
        }),
        sync: Arc::new(sync_flag.clone()),
        metrics: metrics.clone(),
    };
    let api_task = tokio::spawn(api::serve(listener, ctx, stopped(stop_rx.clone())));

    let slots = SlotClock::new(
        genesis_state.genesis_time,
        genesis_state.config.seconds_per_slot,
    );
    let mut net_loop = events::NetworkLoop {
        network: network.clone(),
        chain: chain.clone(),
        sync: sync::Sync::new(
            network.clone(),
            chain.clone(),
            sync_flag.clone(),
            Bytes4(fork_digest),
        ),
        metrics: metrics.clone(),
        connected: HashSet::new(),
    };
    let net_stop = stop_rx.clone();
    let refresh_handle = network.clone();
    let net_task = tokio::spawn(async move {
        let mut slot_timer = tokio::time::interval(Duration::from_millis(slots.slot_ms));
        let mut peer_timer = tokio::time::interval(Duration::from_secs(1));
        let stop = stopped(net_stop);
        tokio::pin!(stop);
        loop {
            let step = tokio::select! {
                _ = &mut stop => break,
                event = network_events.recv() => match event {
                    Some(event) => net_loop.handle(event).await,
                    None => break,
                },
                _ = slot_timer.tick() => net_loop.on_slot().await,
                _ = peer_timer.tick() => {
                    let list = refresh_handle.peers().await;
                    if let Ok(mut p) = peers.lock() {
                        *p = list;
                    }
                    Ok(())
                }
            };
            if step.is_err() {
                break;
            }
        }
    });

    let duties = duty_loop::DutyLoop {
        chain: chain.clone(),
        out: Arc::new(NetworkBroadcast(network.clone())),
        metrics,
        sync: sync_flag,
        builders,
        slots,
        clock,
    };
    let duty_task = tokio::spawn(duties.run(stopped(stop_rx.clone())));

    let endpoints = Endpoints {
        peer_id: network.local_peer_id().to_string(),
        p2p: network.listen_addrs(),
        api: api_addr,
    };
    tracing::info!(peer_id = %endpoints.peer_id, api = %api_addr, "node running");
    ready(&endpoints);

    shutdown.await;
    tracing::info!("shutting down");
    let _ = stop_tx.send(true);
    for (name, task) in [("duties", duty_task), ("network loop", net_task)] {
        if tokio::time::timeout(SHUTDOWN_GRACE, task).await.is_err() {
            tracing::warn!("{name} did not stop in time");
        }
    }
    let _ = tokio::time::timeout(SHUTDOWN_GRACE, api_task).await;
    let _ = tokio::time::timeout(SHUTDOWN_GRACE, network.shutdown()).await;
    // The chain service ends when its last handle is gone; its store is flushed by then.
    drop(chain);
    if tokio::time::timeout(SHUTDOWN_GRACE, chain_task)
        .await
        .is_err()
    {
        tracing::warn!("chain service did not stop in time");
    }
    Ok(())
}
