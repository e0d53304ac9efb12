//! `fork_choice/<handler>/<case>/`: `anchor_state`, `anchor_block`, `steps.yaml` and the
//! SSZ files its steps name (`block_0x…`, `attestation_0x…`, `attester_slashing_0x…`).
//! The steps are run by `etn_fork_choice::steps::StepRunner`, which does a node's work
//! around fork choice (state transition of each block, committees and signatures of
//! attestations) and checks that a refused step leaves the store unchanged.

use super::strategy;
use crate::files::CaseReader;
use crate::meta::Meta;
use crate::schema::{ChecksEntry, StepEntry};
use anyhow::{Context, Result, anyhow, bail};
use etn_fork_choice::genesis_block;
use etn_fork_choice::steps::{Checks, Step, StepRunner};
use etn_types::*;

pub const HANDLERS: &[&str] = &[
    "get_head",
    "proposer_boost",
    "reorg",
    "equivocation",
    "finality",
    "pull_up",
    "on_block",
];

pub fn run(case: &CaseReader, meta: &Meta) -> Result<()> {
    let anchor_state: BeaconState = case.ssz("anchor_state")?;
    let anchor_block: BeaconBlock = case.ssz("anchor_block")?;
    let (_, expected_block) =
        genesis_block(&anchor_state).map_err(|e| anyhow!("anchor state: {e}"))?;
    if anchor_block != expected_block {
        bail!(
            "anchor_block is not the genesis block of anchor_state (only genesis anchors are supported)"
        );
    }
    let (strategy, _) = strategy(meta, &anchor_state)?;
    let entries: Vec<StepEntry> = case.yaml("steps")?;
    let mut steps = Vec::with_capacity(entries.len());
    for (index, entry) in entries.iter().enumerate() {
        steps.push(to_step(case, entry).with_context(|| format!("steps.yaml entry {index}"))?);
    }
    let mut runner = StepRunner::from_genesis(anchor_state, strategy)
        .map_err(|e| anyhow!("anchoring the store: {e}"))?;
    runner.run(&steps).map_err(|failure| {
        anyhow!(
            "step {} ({}) failed: {}",
            failure.index,
            describe(&entries[failure.index]),
            failure.reason
        )
    })
}

fn describe(entry: &StepEntry) -> String {
    if let Some(t) = entry.tick {
        return format!("tick {t}");
    }
    for (kind, name) in [
        ("block", &entry.block),
        ("attestation", &entry.attestation),
        ("attester_slashing", &entry.attester_slashing),
    ] {
        if let Some(name) = name {
            return format!("{kind} {name}");
        }
    }
    "checks".into()
}

fn to_step(case: &CaseReader, entry: &StepEntry) -> Result<Step> {
    let valid = entry.valid.unwrap_or(true);
    let kinds = [
        entry.tick.is_some(),
        entry.block.is_some(),
        entry.attestation.is_some(),
        entry.attester_slashing.is_some(),
        entry.checks.is_some(),
    ];
    if kinds.iter().filter(|k| **k).count() != 1 {
        bail!("a step has exactly one of tick, block, attestation, attester_slashing, checks");
    }
    if entry.valid.is_some() && (entry.tick.is_some() || entry.checks.is_some()) {
        bail!("`valid` belongs to input steps only");
    }
    Ok(if let Some(time_ms) = entry.tick {
        Step::Tick { time_ms }
    } else if let Some(name) = &entry.block {
        Step::Block {
            block: case.ssz(name)?,
            valid,
        }
    } else if let Some(name) = &entry.attestation {
        Step::Attestation {
            attestation: case.ssz(name)?,
            valid,
        }
    } else if let Some(name) = &entry.attester_slashing {
        Step::AttesterSlashing {
            slashing: case.ssz(name)?,
            valid,
        }
    } else {
        Step::Checks(checks(entry.checks.as_ref().expect("one kind is set")))
    })
}

fn checks(entry: &ChecksEntry) -> Checks {
    Checks {
        head: entry.head.map(|h| (h.slot, h.root)),
        time_ms: entry.time,
        justified_checkpoint: entry.justified_checkpoint,
        finalized_checkpoint: entry.finalized_checkpoint,
        proposer_boost_root: entry.proposer_boost_root,
        weights: entry.weights.iter().map(|w| (w.root, w.weight)).collect(),
    }
}
