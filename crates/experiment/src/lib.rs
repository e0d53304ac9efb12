//! `etn experiment`: does the chain do what the theory says?
//!
//! An experiment file names builders (values, strategies, identities) and a chain
//! configuration; the driver runs the builders' agents against a chain, and the report
//! puts what the chain recorded (who won each slot, what it burned, what every builder
//! gained) beside the complete-information equilibrium of `etn_mechanism::analysis`.
//!
//! Layout: [`file`] (experiment files), [`values`] (value distributions), [`chain`]
//! (the chain under experiment: a trait and the fast in-process implementation),
//! [`driver`] (the bidding loop), [`devnet`] (the same experiment on a running devnet), [`predict`] (theory), [`stats`], [`results`]
//! (`results.json`), [`report`] (the report folder) and [`progress`].
//! The strategies themselves live in `etn_mechanism::agents`, shared with the devnet's
//! builder duties.

pub mod chain;
pub mod devnet;
pub mod driver;
pub mod file;
pub mod predict;
pub mod progress;
pub mod report;
pub mod results;
pub mod stats;
pub mod values;

pub use chain::{ExperimentChain, FastChain};
pub use devnet::{DevnetApi, DevnetLayout, DevnetOptions, devnet_config, run_devnet};
pub use driver::{Run, run};
pub use file::Experiment;
pub use predict::{Prediction, predict};
pub use report::{ReportFiles, write_index, write_report};
pub use results::{Results, results};

use anyhow::Result;
use std::path::Path;

/// A finished experiment: the run, the theory, and the comparison.
pub struct Outcome {
    pub experiment: Experiment,
    pub run: Run,
    pub prediction: Prediction,
    pub results: Results,
}

impl Outcome {
    /// Writes the report folder.
    pub fn write_report(&self, dir: &Path) -> Result<ReportFiles> {
        write_report(
            dir,
            &self.experiment,
            &self.run,
            &self.prediction,
            &self.results,
        )
    }
}

/// How to run in fast mode.
#[derive(Debug, Clone, Copy, Default)]
pub struct FastOptions {
    /// Override the file's `bls` setting.
    pub bls: Option<bool>,
    /// Import every block through `state_transition` even without BLS.
    pub reimport: bool,
    /// Show a progress bar (only if stdout is a terminal).
    pub progress: bool,
}

/// Runs `experiment` in fast mode and compares it with the theory.
pub fn run_fast(experiment: Experiment, options: FastOptions) -> Result<Outcome> {
    let bls = options.bls.unwrap_or(experiment.bls);
    let mut chain = FastChain::new(
        experiment.config.clone(),
        experiment.validators,
        &experiment.builder_balances(),
        bls,
    )?
    .with_reimport(options.reimport);
    run_on(experiment, &mut chain, options.progress)
}

/// Runs `experiment` on any chain (at genesis, with the experiment's builders).
pub fn run_on(
    experiment: Experiment,
    chain: &mut dyn ExperimentChain,
    show_progress: bool,
) -> Result<Outcome> {
    let total = experiment.slots + chain.config().ticket_lookahead + 1;
    let bar = progress::bar(total, show_progress);
    bar.set_message(experiment.name.clone());
    let run = driver::run(&experiment, chain, &mut |done, _| bar.set_position(done))?;
    bar.finish_and_clear();
    let prediction = predict(&experiment, &run.rounds);
    let results = results(&experiment, &run, &prediction);
    Ok(Outcome {
        experiment,
        run,
        prediction,
        results,
    })
}
