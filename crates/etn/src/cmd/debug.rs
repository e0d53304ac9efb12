//! `etn debug`: tools for testing the node itself, hidden from the main help.

use anyhow::{Context, Result, bail};
use clap::Subcommand;
use etn_node::{LocalKeys, ManualClock, SlotClock};
use etn_store::{ChainStore, SledStore};
use etn_types::ssz::decode;
use etn_types::{BeaconState, SignedBeaconBlock};
use std::io::Write;
use std::path::{Path, PathBuf};

#[derive(Subcommand, Debug)]
pub enum DebugCommand {
    /// Import blocks from a file into a datadir through the chain service, printing
    /// `persisted <slot> <root>` once each block is durably stored. Used by the crash
    /// tests, which kill it at random moments and restart it on the same datadir.
    ImportBlocks {
        #[arg(long)]
        datadir: PathBuf,
        /// Genesis state (SSZ), used only if the datadir is empty.
        #[arg(long)]
        genesis: PathBuf,
        /// Blocks file: each block as a 4-byte little-endian length and its SSZ bytes.
        #[arg(long)]
        blocks: PathBuf,
    },
}

pub fn run(command: DebugCommand) -> Result<()> {
    match command {
        DebugCommand::ImportBlocks {
            datadir,
            genesis,
            blocks,
        } => import_blocks(&datadir, &genesis, &blocks),
    }
}

/// Reads a file of length-prefixed SSZ blocks.
pub fn read_blocks_file(path: &Path) -> Result<Vec<SignedBeaconBlock>> {
    let bytes = std::fs::read(path).with_context(|| format!("cannot read {}", path.display()))?;
    let mut rest = bytes.as_slice();
    let mut blocks = Vec::new();
    while !rest.is_empty() {
        if rest.len() < 4 {
            bail!("truncated length prefix in {}", path.display());
        }
        let len = u32::from_le_bytes([rest[0], rest[1], rest[2], rest[3]]) as usize;
        rest = &rest[4..];
        if rest.len() < len {
            bail!("truncated block in {}", path.display());
        }
        blocks.push(decode(&rest[..len]).context("malformed block")?);
        rest = &rest[len..];
    }
    Ok(blocks)
}

fn import_blocks(datadir: &Path, genesis_path: &Path, blocks_path: &Path) -> Result<()> {
    let genesis: BeaconState = decode(&std::fs::read(genesis_path).context("cannot read genesis")?)
        .context("malformed genesis state")?;
    let blocks = read_blocks_file(blocks_path)?;
    let store = SledStore::open(datadir).context("cannot open the datadir")?;
    let slots = SlotClock::new(genesis.genesis_time, genesis.config.seconds_per_slot);
    let start_ms = slots.slot_start_ms(0);
    let clock = ManualClock::new(start_ms);
    let chain =
        etn_node::Chain::open(store, Some(genesis), start_ms).context("cannot resume the chain")?;
    let stored = chain.store().block_roots()?.len();
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()?;
    let mut out = std::io::stdout().lock();
    let head = chain.head();
    let finalized = chain.finalized();
    writeln!(
        out,
        "started head={}:{} finalized={}:{} blocks={stored}",
        head.slot, head.root, finalized.epoch, finalized.root
    )?;
    out.flush()?;
    let (handle, task) = runtime
        .block_on(async { etn_node::service::spawn(chain, LocalKeys::default(), clock.clone()) });
    runtime.block_on(async {
        for block in &blocks {
            clock.set(slots.slot_start_ms(block.message.slot) + 100);
            let outcome = handle.import_block(block.clone()).await??;
            writeln!(out, "persisted {} {}", outcome.slot, outcome.root)?;
            out.flush()?;
        }
        let status = handle.status().await?;
        writeln!(
            out,
            "done head={}:{} finalized={}:{}",
            status.head.slot, status.head.root, status.finalized.epoch, status.finalized.root
        )?;
        out.flush()?;
        drop(handle);
        task.await?;
        anyhow::Ok(())
    })
}
