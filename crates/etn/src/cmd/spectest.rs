//! `etn spectest` (filled in by the conformance-vector work).

use clap::Subcommand;

#[derive(Subcommand, Debug)]
pub enum SpectestCommand {}

pub fn run(command: SpectestCommand) -> anyhow::Result<()> {
    match command {}
}
