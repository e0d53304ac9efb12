//! `etn`: the command-line front end of the execution-tickets node.
//!
//! Every subcommand lives in its own module under `cmd/`; this file only parses
//! arguments and turns errors into a message and a non-zero exit code.

mod cmd;

use clap::{Parser, Subcommand};
use std::process::ExitCode;

#[derive(Parser)]
#[command(
    name = "etn",
    version,
    about = "An execution-tickets beacon node and mechanism lab"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Write a genesis state (and the devnet keys it uses) for a chain config.
    Genesis(cmd::genesis::GenesisArgs),
    /// Run one node (its validators and builder players) of a chain.
    Node(cmd::node::NodeArgs),
    /// Run a local multi-node devnet (4 nodes on loopback by default).
    Devnet(cmd::devnet::DevnetArgs),
    /// Equilibria, revenue, fairness and Sybil checks of the allocation rules.
    #[command(subcommand)]
    Mechanism(cmd::mechanism::MechanismCommand),
    /// Run an experiment: the real state transition (or a devnet) with builder agents,
    /// compared with the equilibrium theory.
    Experiment(cmd::experiment::ExperimentArgs),
    /// Conformance vectors: generate them from the spec implementation, or run them.
    #[command(subcommand)]
    Spectest(cmd::spectest::SpectestCommand),
    /// Tools for testing the node itself.
    #[command(subcommand, hide = true)]
    Debug(cmd::debug::DebugCommand),
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let result = match cli.command {
        Command::Genesis(args) => cmd::genesis::run(args),
        Command::Node(args) => cmd::node::run(args),
        Command::Devnet(args) => cmd::devnet::run(args),
        Command::Mechanism(command) => cmd::mechanism::run(command),
        Command::Debug(command) => cmd::debug::run(command),
        Command::Experiment(args) => cmd::experiment::run(args),
        Command::Spectest(command) => cmd::spectest::run(command),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(err) => {
            eprintln!("error: {err:#}");
            ExitCode::FAILURE
        }
    }
}
