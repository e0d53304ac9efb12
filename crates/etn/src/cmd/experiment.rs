//! `etn experiment` (filled in by the experiments work).

use clap::Args;

#[derive(Args, Debug)]
pub struct ExperimentArgs {}

pub fn run(_args: ExperimentArgs) -> anyhow::Result<()> {
    anyhow::bail!("etn experiment is not wired yet")
}
