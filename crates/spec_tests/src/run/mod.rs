//! The runner: walks `specs/tests/<preset>/<runner>/<handler>/<case>/`, runs every case
//! against the implementation, and reports each failure with the case's path and what
//! differed. Files that no case read are failures too (see [`crate::files`]).

mod epoch_processing;
mod fork_choice;
mod genesis;
mod operations;
mod sampling;
mod sanity;
mod shuffling;
mod slot_processing;
mod ssz_static;

use crate::diff;
use crate::files::{CaseReader, ReadLog, files_under, subdirs};
use crate::meta::{BLS_IGNORED, BLS_NONE, BLS_REQUIRED, Meta, state_error_name};
use anyhow::{Result, bail};
use etn_state::{PubkeyCache, SignatureStrategy, StateError, accounting_sides};
use etn_types::BeaconState;
use etn_types::ssz::hash_tree_root_mut;
use std::collections::BTreeMap;
use std::path::Path;

pub use operations::input_name as operations_input_name;
pub use sampling::handler_of as sampling_handler_of;
pub use ssz_static::CONTAINERS;

/// What one runner did.
#[derive(Debug, Default)]
pub struct Report {
    /// Cases run, per handler.
    pub cases: BTreeMap<String, usize>,
    /// One line per failure: `<preset>/<runner>/<handler>/<case>: <what went wrong>`.
    pub failures: Vec<String>,
    /// The error names the cases expected (for the coverage check).
    pub expected_errors: BTreeMap<String, Vec<String>>,
}

impl Report {
    pub fn total(&self) -> usize {
        self.cases.values().sum()
    }
}

/// The handlers each runner knows; a directory with another name is a failure.
pub fn handlers(runner: &str) -> &'static [&'static str] {
    match runner {
        "ssz_static" => CONTAINERS,
        "shuffling" => &["core"],
        "sampling" => sampling::HANDLERS,
        "operations" => operations::HANDLERS,
        "epoch_processing" => epoch_processing::HANDLERS,
        "slot_processing" => slot_processing::HANDLERS,
        "sanity" => &["blocks", "slots"],
        "fork_choice" => fork_choice::HANDLERS,
        "genesis" => genesis::HANDLERS,
        _ => &[],
    }
}

/// Runs every case of `runner` under `root` (the `specs/tests` directory).
pub fn run_runner(root: &Path, runner: &str) -> Result<Report> {
    let log = ReadLog::default();
    let mut report = Report::default();
    let dir = root.join(crate::PRESET).join(runner);
    if !dir.is_dir() {
        bail!("{} does not exist", dir.display());
    }
    let known = handlers(runner);
    for handler_dir in subdirs(&dir)? {
        let handler = file_name(&handler_dir);
        if !known.contains(&handler.as_str()) {
            report.failures.push(format!(
                "{}/{runner}/{handler}: unknown handler",
                crate::PRESET
            ));
            continue;
        }
        for case_dir in case_dirs(runner, &handler_dir)? {
            let name = case_dir
                .strip_prefix(root)
                .unwrap_or(&case_dir)
                .display()
                .to_string();
            let case = CaseReader::new(case_dir, &log);
            let outcome =
                run_case(runner, &handler, &case, &mut report).and_then(|()| case.check_all_read());
            if let Err(e) = outcome {
                report.failures.push(format!("{name}: {e:#}"));
            }
            *report.cases.entry(handler.clone()).or_default() += 1;
        }
    }
    // Anything left unread anywhere under the runner (stray files between levels,
    // handlers that were skipped) fails the run.
    for file in files_under(&dir)? {
        if !log.contains(&file) {
            let name = file.strip_prefix(root).unwrap_or(&file).display();
            report.failures.push(format!("{name}: file never read"));
        }
    }
    Ok(report)
}

/// Runs the one case in `case_dir` as [`run_runner`] would, including the check that
/// it read every file of the case. The generator replays each hand-derived case through
/// it: their expected values are written from the spec text, not computed, so a tree
/// whose hand-derived cases the implementation contradicts is refused at generation
/// time rather than discovered by the next test run.
pub fn run_case_dir(runner: &str, handler: &str, case_dir: &Path) -> Result<()> {
    let log = ReadLog::default();
    let case = CaseReader::new(case_dir.to_path_buf(), &log);
    let mut report = Report::default();
    run_case(runner, handler, &case, &mut report)?;
    case.check_all_read()
}

/// Case directories of a handler. Shuffling keeps Ethereum's extra `shuffle` level.
fn case_dirs(runner: &str, handler_dir: &Path) -> Result<Vec<std::path::PathBuf>> {
    if runner == "shuffling" {
        let mut out = Vec::new();
        for suite in subdirs(handler_dir)? {
            if file_name(&suite) == "shuffle" {
                out.extend(subdirs(&suite)?);
            }
        }
        return Ok(out);
    }
    subdirs(handler_dir)
}

fn run_case(runner: &str, handler: &str, case: &CaseReader, report: &mut Report) -> Result<()> {
    let meta: Meta = case.yaml("meta")?;
    if meta.description.trim().is_empty() {
        bail!("meta.yaml has no description");
    }
    if let Some(error) = &meta.error {
        report
            .expected_errors
            .entry(error.clone())
            .or_default()
            .push(case.dir().display().to_string());
    }
    match runner {
        "ssz_static" => ssz_static::run(handler, case, &meta),
        "shuffling" => shuffling::run(case, &meta),
        "sampling" => sampling::run(case, &meta),
        "operations" => operations::run(handler, case, &meta),
        "epoch_processing" => epoch_processing::run(handler, case, &meta),
        "slot_processing" => slot_processing::run(handler, case, &meta),
        "sanity" => sanity::run(handler, case, &meta),
        "fork_choice" => fork_choice::run(case, &meta),
        "genesis" => genesis::run(handler, case, &meta),
        other => bail!("unknown runner {other}"),
    }
}

fn file_name(path: &Path) -> String {
    path.file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default()
}

/// The signature strategy a case asks for, and the key cache it needs.
fn strategy(meta: &Meta, state: &BeaconState) -> Result<(SignatureStrategy, PubkeyCache)> {
    Ok(match meta.bls_setting {
        BLS_REQUIRED => (SignatureStrategy::Individual, PubkeyCache::build(state)),
        BLS_IGNORED => (SignatureStrategy::Skip, PubkeyCache::default()),
        BLS_NONE => bail!("a state-transition case must set bls_setting to 1 or 2"),
        other => bail!("unknown bls_setting {other}"),
    })
}

/// Compares a transition's outcome with the case's expectation: `post` for an accepted
/// input, `meta.error` for a rejected one. `state` is the state after the attempt and
/// `pre` the state before it (a rejected input must leave it unchanged).
fn expect_outcome(
    meta: &Meta,
    result: Result<(), StateError>,
    pre: &BeaconState,
    mut state: BeaconState,
    post: Option<BeaconState>,
    atomic: bool,
) -> Result<()> {
    match (result, post) {
        (Ok(()), Some(mut post)) => {
            if meta.error.is_some() {
                bail!("meta.yaml names an error but the case has a post-state");
            }
            identity_kept(pre, &post)?;
            if state != post {
                bail!("post-state differs: {}", diff::describe(&post, &state));
            }
            // Equal values must have equal roots: this exercises the cached Merkle trees
            // the transition left behind against a fresh decode.
            let (computed, expected) = (
                hash_tree_root_mut(&mut state)?,
                hash_tree_root_mut(&mut post)?,
            );
            if computed != expected {
                bail!("post-state root {computed} differs from the expected {expected}");
            }
            Ok(())
        }
        (Ok(()), None) => bail!(
            "input accepted, but the case expects rejection with {}",
            meta.error
                .as_deref()
                .unwrap_or("an error (meta.yaml names none)")
        ),
        (Err(e), Some(_)) => bail!(
            "input rejected with {} ({e}), expected a post-state",
            state_error_name(&e)
        ),
        (Err(e), None) => {
            // The audit must read the identity right even on the crafted states some
            // rejections start from, where it is broken.
            identity_audited(pre, "pre")?;
            let got = state_error_name(&e);
            match &meta.error {
                Some(expected) if *expected == got => {}
                Some(expected) => bail!("rejected with {got} ({e}), expected {expected}"),
                None => bail!("case has no post-state and meta.yaml names no error (got {got})"),
            }
            if atomic && state != *pre {
                bail!(
                    "the rejected input changed the state: {}",
                    diff::describe(pre, &state)
                );
            }
            Ok(())
        }
    }
}

/// The two sides of the accounting identity (beacon-chain.md, "The accounting
/// identity"), computed here from the spec's formula rather than by the state crate:
/// `(held, issued, escrow)`.
fn spec_identity(state: &BeaconState) -> (u128, u128, u128) {
    let sum = |values: &mut dyn Iterator<Item = u64>| values.map(u128::from).sum::<u128>();
    let round_escrow = sum(&mut state
        .ticket_rounds
        .iter()
        .flat_map(|r| r.bids.iter().map(|b| b.paid)));
    let pool_escrow = if state.config.ticket_lifetime == etn_types::TicketLifetime::Pool.code()
        && state.config.payment_rule == etn_types::PaymentRule::WinnerPay.code()
    {
        sum(&mut state.builders.iter().map(|b| b.pool_paid))
    } else {
        0
    };
    let escrow = round_escrow + pool_escrow;
    let acc = &state.accounting;
    let held = sum(&mut state.balances.iter().copied())
        + sum(&mut state.builders.iter().map(|b| b.balance))
        + escrow
        + u128::from(acc.smoothing_pool)
        + u128::from(acc.total_burned);
    let issued = u128::from(acc.genesis_supply)
        + u128::from(acc.total_execution_inflow)
        + u128::from(acc.total_sell_back_paid);
    (held, issued, escrow)
}

/// The state crate's audit of the identity must agree with the spec's formula on `state`.
fn identity_audited(state: &BeaconState, which: &str) -> Result<bool> {
    let (held, issued, escrow) = spec_identity(state);
    let sides = accounting_sides(state);
    if (sides.held, sides.issued, sides.escrow) != (held, issued, escrow) {
        bail!(
            "accounting_sides of the {which}-state gives held {}, issued {}, escrow {}; \
             the spec's formula gives {held}, {issued}, {escrow}",
            sides.held,
            sides.issued,
            sides.escrow
        );
    }
    if sides.holds() != (held == issued) {
        bail!(
            "accounting_sides of the {which}-state says the identity {}",
            if sides.holds() { "holds" } else { "breaks" }
        );
    }
    Ok(held == issued)
}

/// Every accepted transition keeps the accounting identity: a post-state of a pre-state
/// that satisfies it satisfies it too. (A few pre-states are crafted to break it, to
/// reach an overflow; they are exempt.)
fn identity_kept(pre: &BeaconState, post: &BeaconState) -> Result<()> {
    let before = identity_audited(pre, "pre")?;
    let after = identity_audited(post, "post")?;
    if before && !after {
        let (held, issued, _) = spec_identity(post);
        bail!("the accounting identity breaks: held {held} != issued {issued}");
    }
    Ok(())
}
