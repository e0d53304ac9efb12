//! `etn mechanism`: the article's maths as a tool.
//!
//! `equilibrium` solves one game, `frontier` sweeps the Tullock exponent and plots revenue
//! against fairness, `sybil` checks splitting and pooling. All maths lives in
//! `etn_mechanism::analysis`; this module only parses input and prints, writes or plots.

mod equilibrium;
mod frontier;
mod input;
mod output;
mod plot;
mod sybil;
mod table;

use clap::Subcommand;

/// The `etn mechanism` subcommands.
#[derive(Subcommand)]
pub enum MechanismCommand {
    /// Pure equilibria of one allocation rule under complete information.
    Equilibrium(equilibrium::EquilibriumArgs),
    /// Sweep the Tullock exponent; write CSV and a revenue-vs-fairness plot (PNG, SVG).
    Frontier(frontier::FrontierArgs),
    /// Gains from splitting into several identities or pooling two players' tickets.
    Sybil(sybil::SybilArgs),
}

/// Run one `etn mechanism` subcommand.
pub fn run(command: MechanismCommand) -> anyhow::Result<()> {
    match command {
        MechanismCommand::Equilibrium(args) => equilibrium::run(args),
        MechanismCommand::Frontier(args) => frontier::run(args),
        MechanismCommand::Sybil(args) => sybil::run(args),
    }
}
