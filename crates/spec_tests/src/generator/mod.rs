//! The generator: writes `specs/tests/<preset>/...` from the spec implementation.
//!
//! Cases come in two kinds. Most are *computed*: the generator builds a pre-state and an
//! input, runs the implementation, and records the post-state or the error, after
//! checking that the outcome is the one the case was built for (a negative case that
//! fails for another reason than intended is a generator bug and stops generation).
//! A few are *derived by hand* (`hand`): their expected outcome is written from the spec
//! text, with the derivation in `meta.yaml`, and the implementation is not consulted; the
//! runner then checks the implementation against them like any other case.

mod epoch_processing;
mod fixtures;
mod fork_choice;
mod genesis;
mod hand;
mod operations;
mod sampling;
mod sanity;
mod shuffling;
mod slot_processing;
pub mod ssz_static;

use crate::chain::Chain;
use crate::files::CaseWriter;
use crate::meta::{Meta, state_error_name};
use anyhow::{Context, Result, bail};
use etn_state::StateError;
use etn_state::produce::BlockContents;
use etn_types::*;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// Where the generator writes, and what it has written.
pub struct Ctx {
    pub out: PathBuf,
    /// Cases written, per `runner/handler`.
    pub counts: BTreeMap<String, usize>,
}

impl Ctx {
    pub fn count(&mut self, runner: &str, handler: &str) {
        *self
            .counts
            .entry(format!("{runner}/{handler}"))
            .or_default() += 1;
    }

    /// Writes a computed state-transition case: `pre`, the inputs (written by `inputs`),
    /// and either `post` or, for a rejection, `meta.error`. `outcome` is what the
    /// implementation did; `expect` what the case was built for (`None`: accepted).
    #[allow(clippy::too_many_arguments)]
    pub fn state_case(
        &mut self,
        runner: &str,
        handler: &str,
        case: &str,
        mut meta: Meta,
        pre: &BeaconState,
        inputs: impl FnOnce(&CaseWriter) -> Result<()>,
        outcome: (Result<(), StateError>, BeaconState),
        expect: Option<&str>,
    ) -> Result<()> {
        let (result, post) = outcome;
        let what = format!("{runner}/{handler}/{case}");
        match (&result, expect) {
            (Ok(()), None) => {}
            (Err(e), Some(name)) if state_error_name(e) == name => {
                meta.error = Some(name.to_string());
            }
            (Ok(()), Some(name)) => bail!("{what}: built to fail with {name}, but accepted"),
            (Err(e), _) => bail!(
                "{what}: rejected with {} ({e}), built for {}",
                state_error_name(e),
                expect.unwrap_or("acceptance")
            ),
        }
        let w = CaseWriter::create(&self.out, runner, handler, case)?;
        w.yaml("meta", &meta)?;
        w.ssz("pre", pre)?;
        inputs(&w)?;
        if result.is_ok() {
            w.ssz("post", &post)?;
        }
        self.count(runner, handler);
        Ok(())
    }
}

/// Regenerates `<out>/<preset>/` from scratch. Files beside it (the README and the
/// mutation notes) are left alone.
pub fn generate(out: &Path) -> Result<BTreeMap<String, usize>> {
    let tree = out.join(crate::PRESET);
    if tree.exists() {
        std::fs::remove_dir_all(&tree).with_context(|| format!("removing {}", tree.display()))?;
    }
    std::fs::create_dir_all(&tree)?;
    let mut ctx = Ctx {
        out: out.to_path_buf(),
        counts: BTreeMap::new(),
    };
    ssz_static::generate(&mut ctx).context("ssz_static")?;
    genesis::generate(&mut ctx).context("genesis")?;
    shuffling::generate(&mut ctx).context("shuffling")?;
    sampling::generate(&mut ctx).context("sampling")?;
    hand::generate(&mut ctx).context("hand-derived cases")?;
    operations::generate(&mut ctx).context("operations")?;
    epoch_processing::generate(&mut ctx).context("epoch_processing")?;
    slot_processing::generate(&mut ctx).context("slot_processing")?;
    sanity::generate(&mut ctx).context("sanity")?;
    fork_choice::generate(&mut ctx).context("fork_choice")?;
    Ok(ctx.counts)
}

/// Validators of the chains the state cases use: one committee of three per slot, and
/// a 2/3 threshold that 16 of 24 meet exactly (so the boundary is testable).
pub const VALIDATORS: u64 = 24;

/// Builder balances of the state cases: enough for any purchase the cases make.
pub const BUILDER_BALANCES: [Gwei; 4] = [1_000_000, 1_000_000, 1_000_000, 1_000_000];

/// A short chain with bids, a closed round and a delivered payload: the source of the
/// "real" SSZ values. Returns its state and last block.
pub fn sample_chain() -> Result<(BeaconState, SignedBeaconBlock)> {
    let mut chain = Chain::genesis(ChainConfig::minimal(), VALIDATORS, &BUILDER_BALANCES, true)?;
    let purchases = vec![chain.buy(0, 6, 5, 1, 0)?, chain.buy(1, 6, 3, 1, 0)?];
    chain.full_block(
        1,
        None,
        BlockContents {
            ticket_purchases: purchases,
            ..Default::default()
        },
    )?;
    for slot in 2..6 {
        chain.full_block(slot, Some(0), BlockContents::default())?;
    }
    let purchase = chain.buy(2, 12, 7, 6, 0)?;
    let block = chain.full_block(
        6,
        Some(1_000),
        BlockContents {
            ticket_purchases: vec![purchase],
            ..Default::default()
        },
    )?;
    Ok((chain.state, block))
}
