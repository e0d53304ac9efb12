//! `etn devnet`: a local multi-node devnet in one command. It writes a genesis and a plan
//! under one data folder, runs one `etn node` process per node, shows a live status
//! table, and on `--epochs N`, Ctrl-C or SIGTERM collects a summary and stops the nodes.

pub mod plan;
pub mod setup;
pub mod supervisor;
pub mod table;

use crate::config::{ConfigFile, describe_mechanism};
use crate::http;
use anyhow::{Context, Result, bail};
use plan::DevnetPlan;
use serde_json::{Value, json};
use std::io::{IsTerminal, Write};
use std::net::{Ipv4Addr, SocketAddr};
use std::path::PathBuf;
use std::time::{Duration, SystemTime, UNIX_EPOCH};
use supervisor::Supervisor;

/// How the status is shown while the devnet runs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Display {
    /// A table redrawn in place (on a terminal).
    Live,
    /// The table printed once per epoch (for logs and pipes).
    Epochs,
    Quiet,
}

#[derive(Debug, Clone)]
pub struct DevnetOptions {
    /// The `etn` binary that runs the nodes.
    pub exe: PathBuf,
    pub datadir: PathBuf,
    /// The config (flags already applied); ignored with `resume`, which uses the saved one.
    pub config: ConfigFile,
    pub resume: bool,
    /// Stop after this many epochs (from genesis, or from the resume point).
    pub epochs: Option<u64>,
    pub summary: Option<PathBuf>,
    /// `(node, epochs)`: start that node this many epochs after genesis.
    pub late: Vec<(usize, u64)>,
    /// Restart nodes that exit while the devnet runs.
    pub restart: bool,
    pub display: Display,
    pub log_filter: String,
}

fn now_ms() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_millis() as u64)
        .unwrap_or(0)
}

fn api_addr(port: u16) -> SocketAddr {
    SocketAddr::from((Ipv4Addr::LOCALHOST, port))
}

/// Every node's `/etn/v1/summary`, or why it could not be read.
async fn summaries(plan: &DevnetPlan) -> Vec<Result<Value, String>> {
    let requests = plan.nodes.iter().map(|n| async move {
        http::get_json(
            api_addr(n.api_port),
            "/etn/v1/summary",
            Duration::from_millis(1500),
        )
        .await
        .map_err(|e| e.to_string())
    });
    futures::future::join_all(requests).await
}

fn summary_json(plan: &DevnetPlan, file: &ConfigFile, nodes: &[Result<Value, String>]) -> Value {
    let mechanism = file
        .chain_config()
        .map(|c| describe_mechanism(&c))
        .unwrap_or(Value::Null);
    let nodes: Vec<Value> = plan
        .nodes
        .iter()
        .zip(nodes)
        .map(|(node, summary)| {
            let mut entry = json!({
                "index": node.index,
                "api": format!("http://{}", api_addr(node.api_port)),
                "p2p_port": node.p2p_port,
            });
            let object = entry.as_object_mut().expect("an object");
            match summary {
                Ok(Value::Object(fields)) => object.extend(fields.clone()),
                Ok(other) => {
                    object.insert("error".into(), json!(format!("unexpected summary {other}")));
                }
                Err(e) => {
                    object.insert("error".into(), json!(e));
                }
            }
            entry
        })
        .collect();
    json!({
        "genesis_time": plan.genesis_time,
        "seconds_per_slot": plan.seconds_per_slot,
        "slots_per_epoch": plan.slots_per_epoch,
        "mechanism": mechanism,
        "nodes": nodes,
    })
}

/// Runs the devnet until `--epochs` is reached or a stop signal arrives.
pub fn run(options: DevnetOptions) -> Result<()> {
    let root = options.datadir.clone();
    let (plan, file) = if options.resume {
        setup::resume(&root)?
    } else {
        let plan = setup::create(&root, &options.config, now_ms() / 1000)?;
        (plan, options.config.clone())
    };
    for (node, _) in &options.late {
        if *node >= plan.nodes.len() {
            bail!(
                "--late-node {node}: the devnet has {} nodes",
                plan.nodes.len()
            );
        }
    }
    let slot_ms = plan.seconds_per_slot * 1000;
    let genesis_ms = plan.genesis_time * 1000;
    let epoch_ms = slot_ms * plan.slots_per_epoch;
    let start_at: Vec<u64> = (0..plan.nodes.len())
        .map(|i| {
            options
                .late
                .iter()
                .find(|(n, _)| *n == i)
                .map_or(0, |(_, epochs)| genesis_ms + epochs * epoch_ms)
        })
        .collect();
    let slot_now = |ms: u64| ms.saturating_sub(genesis_ms) / slot_ms;
    let first_slot = if options.resume {
        slot_now(now_ms())
    } else {
        0
    };
    // Stop half a slot into the slot after the last epoch's, once its block is in.
    let stop_at_ms = options.epochs.map(|epochs| {
        genesis_ms + (first_slot + epochs * plan.slots_per_epoch) * slot_ms + slot_ms / 2
    });

    println!(
        "devnet in {}: {} nodes, genesis at {} ({} s slots, {} slots per epoch)",
        root.display(),
        plan.nodes.len(),
        plan.genesis_time,
        plan.seconds_per_slot,
        plan.slots_per_epoch
    );
    for node in &plan.nodes {
        println!(
            "  node {}: api http://127.0.0.1:{}  p2p {}  validators {}..{}  players {:?}  log {}",
            node.index,
            node.api_port,
            supervisor::node_multiaddr(node)?,
            node.validators.0,
            node.validators.1,
            node.players,
            node.datadir(&root).join("node.log").display()
        );
    }
    let _ = std::io::stdout().flush();

    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .context("cannot start the async runtime")?;
    let mut supervisor = Supervisor::new(
        options.exe.clone(),
        &root,
        plan.clone(),
        options.log_filter.clone(),
        options.restart,
        start_at,
    );
    let live = options.display == Display::Live && std::io::stdout().is_terminal();
    let result = runtime.block_on(async {
        let mut stop = Box::pin(crate::runtime::shutdown_signal());
        let mut last_lines = 0usize;
        let mut last_epoch_shown = None;
        loop {
            for note in supervisor.poll(now_ms())? {
                println!("{note}");
                last_lines = 0;
            }
            let now = now_ms();
            if stop_at_ms.is_some_and(|at| now >= at) {
                break;
            }
            let slot = slot_now(now);
            let epoch = slot / plan.slots_per_epoch;
            if now >= genesis_ms && options.display != Display::Quiet {
                let show = live || last_epoch_shown != Some(epoch);
                if show {
                    let rows = summaries(&plan).await;
                    let text = table::render(&rows, slot, epoch);
                    if live && last_lines > 0 {
                        print!("\x1b[{last_lines}A\x1b[J");
                    }
                    print!("{text}");
                    let _ = std::io::stdout().flush();
                    last_lines = text.lines().count();
                    last_epoch_shown = Some(epoch);
                }
            }
            tokio::select! {
                _ = &mut stop => {
                    println!("stopping the devnet");
                    break;
                }
                _ = tokio::time::sleep(Duration::from_millis(500)) => {}
            }
        }
        let rows = summaries(&plan).await;
        if options.display != Display::Quiet {
            let slot = slot_now(now_ms());
            print!(
                "{}",
                table::render(&rows, slot, slot / plan.slots_per_epoch)
            );
        }
        if let Some(path) = &options.summary {
            let text = serde_json::to_string_pretty(&summary_json(&plan, &file, &rows))?;
            std::fs::write(path, text + "\n")
                .with_context(|| format!("cannot write {}", path.display()))?;
            println!("summary written to {}", path.display());
        }
        anyhow::Ok(())
    });
    supervisor.stop();
    println!(
        "devnet stopped; resume it with `etn devnet --resume --datadir {}`",
        root.display()
    );
    result
}
