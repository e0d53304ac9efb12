//! `etn mechanism` (filled in by the Mechanism lab work).

use clap::Subcommand;

#[derive(Subcommand)]
pub enum MechanismCommand {}

pub fn run(command: MechanismCommand) -> anyhow::Result<()> {
    match command {}
}
