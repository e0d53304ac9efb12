//! One module per `etn` subcommand.

pub mod debug;
pub mod devnet;
pub mod experiment;
pub mod genesis;
pub mod mechanism;
pub mod node;
pub mod spectest;
