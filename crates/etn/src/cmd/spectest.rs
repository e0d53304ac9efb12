//! `etn spectest`: write the conformance vectors from the spec implementation, or run
//! them. The logic lives in `etn-spec-tests`; this is only the command line.

use anyhow::{Result, bail};
use clap::Subcommand;
use std::path::PathBuf;

#[derive(Subcommand, Debug)]
pub enum SpectestCommand {
    /// Regenerate the vector tree (`<out>/minimal/...`) deterministically: on a clean
    /// checkout the committed tree is rewritten byte for byte. The README and the
    /// mutation notes beside the tree are left alone.
    Generate {
        /// The `specs/tests` directory to write into.
        #[arg(long, default_value = "specs/tests")]
        out: PathBuf,
    },
    /// Run every case of the tree against this build; lists each failing case.
    Run {
        /// The `specs/tests` directory to read.
        #[arg(long, default_value = "specs/tests")]
        dir: PathBuf,
        /// Only these runners (default: all).
        #[arg(long, value_delimiter = ',')]
        runners: Vec<String>,
    },
}

pub fn run(command: SpectestCommand) -> Result<()> {
    match command {
        SpectestCommand::Generate { out } => {
            let counts = etn_spec_tests::generator::generate(&out)?;
            let total: usize = counts.values().sum();
            for (handler, n) in &counts {
                println!("{handler:<48} {n:>5}");
            }
            println!("{total} cases written to {}", out.display());
            Ok(())
        }
        SpectestCommand::Run { dir, runners } => {
            let selected: Vec<&str> = if runners.is_empty() {
                etn_spec_tests::RUNNERS.to_vec()
            } else {
                runners.iter().map(String::as_str).collect()
            };
            let mut failures = 0;
            for runner in selected {
                let report = etn_spec_tests::run::run_runner(&dir, runner)?;
                println!(
                    "{runner:<20} {:>5} cases, {} failed",
                    report.total(),
                    report.failures.len()
                );
                for failure in &report.failures {
                    println!("  FAIL {failure}");
                }
                failures += report.failures.len();
            }
            if failures > 0 {
                bail!("{failures} failing case(s)");
            }
            Ok(())
        }
    }
}
