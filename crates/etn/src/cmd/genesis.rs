//! `etn genesis` (filled in by the Foundation work).

use clap::Args;

#[derive(Args)]
pub struct GenesisArgs {}

pub fn run(_args: GenesisArgs) -> anyhow::Result<()> {
    anyhow::bail!("etn genesis is not wired yet")
}
